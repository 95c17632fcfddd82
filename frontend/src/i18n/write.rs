//! The sentences of the compose bundle's own screens: writing mail and the
//! header those pages share. Same rules as [`super::Tr`]: one `const` per
//! language, a missing translation is a compile error.

// The people bundle uses only the header's sentences.
#![cfg_attr(not(feature = "compose"), allow(dead_code))]

use leptos::prelude::*;

use super::Lang;

pub struct TrWrite {
    // Header of the compose bundle's pages.
    pub mail: &'static str,
    pub contacts: &'static str,
    pub settings: &'static str,
    pub main_nav: &'static str,

    // Compose.
    pub new_message: &'static str,
    pub reply_title: &'static str,
    pub forward_title: &'static str,
    pub draft_title: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    pub cc: &'static str,
    pub bcc: &'static str,
    pub add_cc: &'static str,
    pub add_bcc: &'static str,
    pub subject: &'static str,
    pub body_label: &'static str,
    pub remove_recipient: fn(&str) -> String,
    pub invalid_address: fn(&str) -> String,
    pub invalid_addresses: &'static str,
    pub no_recipient: &'static str,
    pub empty_subject_confirm: &'static str,
    pub suggestions_label: &'static str,
    pub from_contacts: &'static str,
    pub recently_used: &'static str,
    pub bold: &'static str,
    pub italic: &'static str,
    pub bullet_list: &'static str,
    pub numbered_list: &'static str,
    pub link: &'static str,
    pub link_prompt: &'static str,
    pub quote: &'static str,
    pub plain_text: &'static str,
    pub format_label: &'static str,
    pub attach: &'static str,
    pub drop_here: &'static str,
    pub attachments: &'static str,
    pub remove_attachment: fn(&str) -> String,
    pub uploading: &'static str,
    pub upload_failed: &'static str,
    pub file_too_large: fn(&str, &str) -> String,
    pub send: &'static str,
    pub sending: &'static str,
    pub sending_in: fn(u64) -> String,
    pub undo: &'static str,
    pub sent: &'static str,
    pub sent_no_copy: &'static str,
    pub save_draft: &'static str,
    pub discard: &'static str,
    pub discard_confirm: &'static str,
    pub discard_confirm_text: &'static str,
    pub close: &'static str,
    pub saved_at: fn(&str) -> String,
    pub saved_locally: &'static str,
    pub saving: &'static str,
    pub not_saved_offline: &'static str,
    pub restored_local: &'static str,
    pub kept_as_draft: &'static str,
    pub loading: &'static str,
    pub wait_uploads: &'static str,
    pub queued_offline: &'static str,
}

pub const FR: TrWrite = TrWrite {
    mail: "Messagerie",
    contacts: "Contacts",
    settings: "Paramètres",
    main_nav: "Navigation principale",

    new_message: "Nouveau message",
    reply_title: "Répondre",
    forward_title: "Transférer",
    draft_title: "Brouillon",
    from: "De",
    to: "À",
    cc: "Cc",
    bcc: "Cci",
    add_cc: "Ajouter Cc",
    add_bcc: "Ajouter Cci",
    subject: "Objet",
    body_label: "Texte du message",
    remove_recipient: |a| format!("Retirer {a}"),
    invalid_address: |a| format!("« {a} » n'est pas une adresse valide"),
    invalid_addresses: "Corrigez les adresses en rouge avant d'envoyer.",
    no_recipient: "Ajoutez au moins un destinataire.",
    empty_subject_confirm: "Ce message n'a pas d'objet. Envoyer quand même ?",
    suggestions_label: "Adresses proposées",
    from_contacts: "Contact",
    recently_used: "Récent",
    bold: "Gras",
    italic: "Italique",
    bullet_list: "Liste à puces",
    numbered_list: "Liste numérotée",
    link: "Lien",
    link_prompt: "Adresse du lien (https://…)",
    quote: "Citation",
    plain_text: "Texte brut",
    format_label: "Mise en forme",
    attach: "Joindre un fichier",
    drop_here: "Déposez les fichiers ici pour les joindre",
    attachments: "Pièces jointes",
    remove_attachment: |n| format!("Retirer {n}"),
    uploading: "Envoi du fichier…",
    upload_failed: "Le fichier n'a pas pu être envoyé. Vérifiez la connexion et joignez-le à nouveau.",
    file_too_large: |name, max| {
        format!(
            "« {name} » est trop lourd : un message peut emporter au plus {max} de pièces jointes. Partagez ce fichier autrement."
        )
    },
    send: "Envoyer",
    sending: "Envoi…",
    sending_in: |s| format!("Envoi dans {s} s"),
    undo: "Annuler",
    sent: "Message envoyé.",
    sent_no_copy: "Message envoyé, mais sa copie n'a pas pu être rangée dans « Envoyés ». Il ne sera pas renvoyé.",
    save_draft: "Enregistrer",
    discard: "Supprimer le brouillon",
    discard_confirm: "Supprimer ce brouillon ?",
    discard_confirm_text: "Le texte et les pièces jointes seront perdus.",
    close: "Fermer",
    saved_at: |t| format!("Brouillon enregistré à {t}"),
    saved_locally: "Enregistré sur cet appareil",
    saving: "Enregistrement…",
    not_saved_offline: "Hors connexion : le brouillon est gardé sur cet appareil et sera enregistré dès le retour du réseau.",
    restored_local: "Le message que vous écriviez a été retrouvé sur cet appareil.",
    kept_as_draft: "Le message n'est pas parti ; il est conservé dans les brouillons.",
    loading: "Chargement…",
    wait_uploads: "Attendez la fin de l'envoi des pièces jointes.",
    queued_offline: "Hors connexion : le message attend dans la boîte d'envoi et partira dès le retour du réseau.",
};

pub const EN: TrWrite = TrWrite {
    mail: "Mail",
    contacts: "Contacts",
    settings: "Settings",
    main_nav: "Main navigation",

    new_message: "New message",
    reply_title: "Reply",
    forward_title: "Forward",
    draft_title: "Draft",
    from: "From",
    to: "To",
    cc: "Cc",
    bcc: "Bcc",
    add_cc: "Add Cc",
    add_bcc: "Add Bcc",
    subject: "Subject",
    body_label: "Message text",
    remove_recipient: |a| format!("Remove {a}"),
    invalid_address: |a| format!("“{a}” is not a valid address"),
    invalid_addresses: "Correct the addresses in red before sending.",
    no_recipient: "Add at least one recipient.",
    empty_subject_confirm: "This message has no subject. Send anyway?",
    suggestions_label: "Suggested addresses",
    from_contacts: "Contact",
    recently_used: "Recent",
    bold: "Bold",
    italic: "Italic",
    bullet_list: "Bulleted list",
    numbered_list: "Numbered list",
    link: "Link",
    link_prompt: "Link address (https://…)",
    quote: "Quote",
    plain_text: "Plain text",
    format_label: "Formatting",
    attach: "Attach a file",
    drop_here: "Drop files here to attach them",
    attachments: "Attachments",
    remove_attachment: |n| format!("Remove {n}"),
    uploading: "Uploading…",
    upload_failed: "The file could not be uploaded. Check the connection and attach it again.",
    file_too_large: |name, max| {
        format!(
            "“{name}” is too large: a message can carry at most {max} of attachments. Share this file another way."
        )
    },
    send: "Send",
    sending: "Sending…",
    sending_in: |s| format!("Sending in {s} s"),
    undo: "Undo",
    sent: "Message sent.",
    sent_no_copy: "Message sent, but its copy could not be saved in “Sent”. It will not be sent again.",
    save_draft: "Save",
    discard: "Discard draft",
    discard_confirm: "Discard this draft?",
    discard_confirm_text: "The text and attachments will be lost.",
    close: "Close",
    saved_at: |t| format!("Draft saved at {t}"),
    saved_locally: "Saved on this device",
    saving: "Saving…",
    not_saved_offline: "Offline: the draft is kept on this device and will be saved as soon as the network is back.",
    restored_local: "The message you were writing was found on this device.",
    kept_as_draft: "The message was not sent; it is kept in Drafts.",
    loading: "Loading…",
    wait_uploads: "Wait for the attachments to finish uploading.",
    queued_offline: "Offline: the message waits in the outbox and will leave as soon as the network is back.",
};

impl Lang {
    pub fn write(self) -> &'static TrWrite {
        match self {
            Lang::Fr => &FR,
            Lang::En => &EN,
        }
    }
}

/// A plain sentence of [`TrWrite`] that follows the language switch.
pub fn tw(
    pick: fn(&TrWrite) -> &'static str,
) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let lang = crate::state::lang::use_lang();
    move || pick(lang.get().write())
}

/// A getter for the current language's [`TrWrite`].
pub fn use_trw() -> impl Fn() -> &'static TrWrite + Copy + Send + Sync + 'static {
    let lang = crate::state::lang::use_lang();
    move || lang.get().write()
}
