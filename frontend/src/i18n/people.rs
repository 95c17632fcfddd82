//! The sentences of the address book and settings pages (compose bundle).
//! Same rules as [`super::Tr`]: one `const` per language.

use leptos::prelude::*;

use super::Lang;

pub struct TrPeople {
    pub contacts_heading: &'static str,
    pub settings_heading: &'static str,

    // Shared by both pages.
    pub save: &'static str,
    pub saving: &'static str,
    pub saved: &'static str,
    pub fix_problems: &'static str,

    // Address book: the list.
    pub new_contact: &'static str,
    pub search_label: &'static str,
    pub search_placeholder: &'static str,
    pub list_label: &'static str,
    /// "12 contacts", under the search box.
    pub contact_count: fn(usize) -> String,
    pub no_contacts: &'static str,
    pub no_match: &'static str,
    pub no_name: &'static str,
    pub import: &'static str,
    pub importing: &'static str,
    /// "3 contacts importés".
    pub imported: fn(u32) -> String,
    pub import_errors: &'static str,
    pub import_unreadable: &'static str,
    pub import_too_large: &'static str,
    pub export: &'static str,
    pub export_title: &'static str,
    pub no_selection: &'static str,

    // Address book: one contact.
    pub back_to_list: &'static str,
    pub back: &'static str,
    pub edit_contact: &'static str,
    pub full_name: &'static str,
    pub given_name: &'static str,
    pub family_name: &'static str,
    pub emails: &'static str,
    pub email: &'static str,
    pub add_email: &'static str,
    pub phones: &'static str,
    pub phone: &'static str,
    pub add_phone: &'static str,
    pub remove_line: &'static str,
    pub kind: &'static str,
    pub kind_none: &'static str,
    pub kind_work: &'static str,
    pub kind_home: &'static str,
    pub kind_cell: &'static str,
    pub kind_fax: &'static str,
    pub kind_other: &'static str,
    pub organization: &'static str,
    pub job_title: &'static str,
    pub note: &'static str,
    pub write: &'static str,
    pub delete: &'static str,
    pub confirm_delete: &'static str,
    pub confirm_delete_text: &'static str,
    pub deleted: &'static str,
    pub name_required: &'static str,
    /// The address typed is not one.
    pub invalid_email: fn(&str) -> String,

    // Settings.
    pub identities: &'static str,
    pub identities_help: &'static str,
    pub login_identity: &'static str,
    pub other_identity: &'static str,
    pub identity_email: &'static str,
    pub identity_name: &'static str,
    pub reply_to: &'static str,
    pub signature: &'static str,
    pub signature_help: &'static str,
    pub add_identity: &'static str,
    pub remove_identity: &'static str,
    pub identity_email_required: &'static str,
    pub invalid_reply_to: fn(&str) -> String,
    pub format_heading: &'static str,
    pub format_help: &'static str,
    pub format_rich: &'static str,
    pub format_plain: &'static str,
    pub undo_heading: &'static str,
    pub undo_help: &'static str,
    /// One choice of the undo delay: "Pas de délai", "10 secondes".
    pub undo_secs: fn(u8) -> String,
    pub language_heading: &'static str,
    pub language_help: &'static str,

    // Settings: offline.
    pub offline_heading: &'static str,
    pub offline_help: &'static str,
    pub offline_messages: &'static str,
    pub offline_messages_help: &'static str,
    /// One choice of the messages kept: "Aucun", "200 messages (par défaut)".
    pub offline_count: fn(u32) -> String,
    pub offline_folders: &'static str,
    pub offline_folders_help: &'static str,
    pub offline_no_folders: &'static str,
    pub shared_device_note: &'static str,
    pub storage_heading: &'static str,
    /// "12 Mo utilisés sur 2 Go disponibles", given the formatted sizes.
    pub storage_used: fn(&str, &str) -> String,
    pub storage_unknown: &'static str,
    pub clear_data: &'static str,
    pub clear_data_help: &'static str,
    pub clear_confirm: &'static str,
    pub clear_confirm_text: &'static str,
    pub clear_confirm_button: &'static str,
    pub clearing: &'static str,
    pub cleared: &'static str,
    pub folders_heading: &'static str,
    pub folders_help: &'static str,
    pub folder_name: &'static str,
    pub folder_parent: &'static str,
    pub folders_top_level: &'static str,
    pub folder_create: &'static str,
    pub folder_messages: fn(u32) -> String,
    pub folder_subscribed: &'static str,
    pub folder_rename: &'static str,
    pub folder_delete: &'static str,
    pub folder_delete_confirm: &'static str,
    pub folder_delete_text: fn(&str, u32, u32) -> String,

    // Settings: free some space.
    pub space_heading: &'static str,
    pub space_help: &'static str,
    /// "838 Ko sur 1 Go utilisés", given the formatted sizes.
    pub space_used: fn(&str, &str) -> String,
    pub space_quota_label: &'static str,
    pub space_warn: &'static str,
    pub space_critical: &'static str,
    pub space_no_limit: &'static str,
    pub space_largest: &'static str,
    pub space_largest_help: &'static str,
    pub space_no_messages: &'static str,
    pub space_col_size: &'static str,
    pub space_col_date: &'static str,
    pub space_col_subject: &'static str,
    pub space_col_from: &'static str,
    pub space_col_folder: &'static str,
    pub space_bins: &'static str,
    /// "12 messages, 3,4 Mo", given the formatted size.
    pub space_bin_usage: fn(u32, &str) -> String,
    pub space_empty: &'static str,
    pub space_empty_confirm: &'static str,
    /// The folder's name and its number of messages.
    pub space_empty_text: fn(&str, u32) -> String,
    pub space_emptied: fn(&str) -> String,
    pub space_refresh: &'static str,
    pub space_refreshing: &'static str,

    // Settings: import and export messages.
    pub transfer_heading: &'static str,
    pub transfer_help: &'static str,
    pub export_mail_heading: &'static str,
    pub export_mail_folder: &'static str,
    pub export_mail: &'static str,
    pub export_mail_title: &'static str,
    pub import_mail_heading: &'static str,
    pub import_mail_help: &'static str,
    pub import_mail_folder: &'static str,
    pub import_mail_file: &'static str,
    pub import_mail: &'static str,
    pub import_mail_too_large: &'static str,
    pub import_mail_no_file: &'static str,
    pub import_mail_stopped: &'static str,
    pub import_mail_errors: &'static str,
    /// "12 messages importés".
    pub import_mail_done: fn(u32) -> String,
}

pub const FR: TrPeople = TrPeople {
    contacts_heading: "Contacts",
    settings_heading: "Paramètres",

    save: "Enregistrer",
    saving: "Enregistrement…",
    saved: "Enregistré.",
    fix_problems: "Corrigez les champs signalés avant d'enregistrer.",

    new_contact: "Nouveau contact",
    search_label: "Rechercher un contact",
    search_placeholder: "Nom, adresse, établissement…",
    list_label: "Liste des contacts",
    contact_count: |n| match n {
        0 => "Aucun contact".into(),
        1 => "1 contact".into(),
        n => format!("{n} contacts"),
    },
    no_contacts: "Votre carnet d'adresses est vide. Ajoutez un contact ou importez un fichier .vcf.",
    no_match: "Aucun contact ne correspond à votre recherche.",
    no_name: "(sans nom)",
    import: "Importer des contacts (.vcf)",
    importing: "Importation en cours…",
    imported: |n| match n {
        0 => "Aucun contact importé.".into(),
        1 => "1 contact importé.".into(),
        n => format!("{n} contacts importés."),
    },
    import_errors: "Ces fiches n'ont pas pu être importées :",
    import_unreadable: "Le fichier n'a pas pu être lu. Vérifiez qu'il s'agit bien d'un fichier .vcf.",
    import_too_large: "Ce fichier est trop volumineux : 5 Mo au plus. Importez vos contacts en plusieurs fichiers.",
    export: "Exporter",
    export_title: "Télécharger tous vos contacts dans un fichier .vcf",
    no_selection: "Choisissez un contact dans la liste, ou créez-en un nouveau.",

    back_to_list: "Retour à la liste des contacts",
    back: "Retour",
    edit_contact: "Fiche du contact",
    full_name: "Nom complet",
    given_name: "Prénom",
    family_name: "Nom de famille",
    emails: "Adresses e-mail",
    email: "Adresse e-mail",
    add_email: "Ajouter une adresse",
    phones: "Téléphones",
    phone: "Numéro de téléphone",
    add_phone: "Ajouter un numéro",
    remove_line: "Retirer",
    kind: "Type",
    kind_none: "Non précisé",
    kind_work: "Travail",
    kind_home: "Domicile",
    kind_cell: "Portable",
    kind_fax: "Fax",
    kind_other: "Autre",
    organization: "Établissement ou organisme",
    job_title: "Fonction",
    note: "Note",
    write: "Écrire",
    delete: "Supprimer",
    confirm_delete: "Supprimer ce contact ?",
    confirm_delete_text: "Le contact sera retiré de votre carnet d'adresses. Cette action est définitive.",
    deleted: "Contact supprimé.",
    name_required: "Indiquez au moins un nom ou une adresse e-mail.",
    invalid_email: |a| format!("« {a} » n'est pas une adresse e-mail valide."),

    identities: "Identités",
    identities_help: "Les adresses au nom desquelles vous écrivez, avec le nom affiché et la signature de chacune.",
    login_identity: "Adresse principale",
    other_identity: "Autre identité",
    identity_email: "Adresse e-mail",
    identity_name: "Nom affiché",
    reply_to: "Adresse de réponse (facultatif)",
    signature: "Signature",
    signature_help: "Ajoutée sous vos messages.",
    add_identity: "Ajouter une identité",
    remove_identity: "Retirer cette identité",
    identity_email_required: "Indiquez l'adresse e-mail de cette identité.",
    invalid_reply_to: |a| format!("« {a} » n'est pas une adresse de réponse valide."),
    format_heading: "Format des messages",
    format_help: "Le format proposé quand vous écrivez un message.",
    format_rich: "Texte enrichi (gras, listes, liens…)",
    format_plain: "Texte brut",
    undo_heading: "Délai d'annulation de l'envoi",
    undo_help: "Pendant ce délai, vous pouvez encore annuler un message que vous venez d'envoyer.",
    undo_secs: |s| match s {
        0 => "Pas de délai".into(),
        1 => "1 seconde".into(),
        s => format!("{s} secondes"),
    },
    language_heading: "Langue",
    language_help: "La langue de l'interface.",

    offline_heading: "Hors ligne",
    offline_help: "Facteur garde une copie de vos messages récents sur cet appareil : vous pouvez les lire même sans connexion à Internet.",
    offline_messages: "Messages gardés sur cet appareil",
    offline_messages_help: "Les plus récents de la boîte de réception, et de chaque dossier coché ci-dessous.",
    offline_count: |n| match n {
        0 => "Aucun".into(),
        shared::prefs::DEFAULT_OFFLINE_MESSAGES => {
            format!("{} messages (par défaut)", count(n, Lang::Fr))
        }
        n => format!("{} messages", count(n, Lang::Fr)),
    },
    offline_folders: "Dossiers disponibles hors ligne",
    offline_folders_help: "La boîte de réception est toujours gardée. Cochez les autres dossiers que vous voulez pouvoir lire sans connexion.",
    offline_no_folders: "Vous n'avez pas d'autre dossier.",
    shared_device_note: "Vous avez indiqué que cet ordinateur est partagé : aucun message n'y est gardé.",
    storage_heading: "Espace utilisé sur cet appareil",
    storage_used: |used, quota| format!("{used} utilisés sur {quota} disponibles"),
    storage_unknown: "Votre navigateur n'indique pas l'espace utilisé.",
    clear_data: "Effacer les données de cet appareil",
    clear_data_help: "Efface les messages et les pièces jointes gardés sur cet appareil. Rien n'est supprimé de votre messagerie : les messages seront téléchargés à nouveau dès que vous serez connecté à Internet.",
    clear_confirm: "Effacer les données de cet appareil ?",
    clear_confirm_text: "Les messages et les pièces jointes gardés sur cet appareil seront effacés. Votre messagerie n'est pas touchée, et les messages qui attendent une connexion pour partir sont conservés.",
    clear_confirm_button: "Effacer",
    clearing: "Effacement…",
    cleared: "Données effacées.",
    folders_heading: "Dossiers",
    folders_help: "Créez des dossiers pour ranger vos messages (administration, pédagogie, projets…), renommez-les, déplacez-les ou supprimez-les. Les dossiers de la messagerie (Boîte de réception, Envoyés, Corbeille…) ne peuvent pas être modifiés.",
    folder_name: "Nom du dossier",
    folder_parent: "Dans le dossier",
    folders_top_level: "(premier niveau)",
    folder_create: "Créer le dossier",
    folder_messages: |n| match n {
        0 => "vide".into(),
        1 => "1 message".into(),
        n => format!("{n} messages"),
    },
    folder_subscribed: "Afficher",
    folder_rename: "Renommer ou déplacer",
    folder_delete: "Supprimer",
    folder_delete_confirm: "Supprimer ce dossier ?",
    folder_delete_text: |name, messages, folders| {
        let sub = match folders {
            0 => String::new(),
            1 => " et 1 sous-dossier".into(),
            n => format!(" et {n} sous-dossiers"),
        };
        format!(
            "Le dossier « {name} » contient {messages} message(s){sub}. Ils seront supprimés définitivement."
        )
    },
    space_heading: "Libérer de l'espace",
    space_help: "Votre messagerie a une taille limitée. Quand elle est pleine, vous ne recevez plus de messages. Voici ce qui prend le plus de place.",
    space_used: |used, limit| format!("{used} sur {limit} utilisés"),
    space_quota_label: "Espace utilisé dans votre messagerie",
    space_warn: "Votre messagerie se remplit : pensez à supprimer les messages dont vous n'avez plus besoin.",
    space_critical: "Votre messagerie est presque pleine : supprimez des messages et videz la corbeille, sinon vous ne recevrez plus de nouveaux messages.",
    space_no_limit: "Votre messagerie n'indique pas de limite de taille.",
    space_largest: "Les messages les plus volumineux",
    space_largest_help: "Souvent à cause de leurs pièces jointes. Ouvrez un message pour l'enregistrer ou le supprimer ; un message supprimé va dans la corbeille, videz-la ensuite pour libérer la place.",
    space_no_messages: "Aucun message.",
    space_col_size: "Taille",
    space_col_date: "Date",
    space_col_subject: "Objet",
    space_col_from: "Expéditeur",
    space_col_folder: "Dossier",
    space_bins: "Corbeille et courrier indésirable",
    space_bin_usage: |n, size| match n {
        0 => "vide".into(),
        1 => format!("1 message, {size}"),
        n => format!("{} messages, {size}", count(n, Lang::Fr)),
    },
    space_empty: "Vider",
    space_empty_confirm: "Vider ce dossier ?",
    space_empty_text: |name, n| match n {
        1 => format!("Le message du dossier « {name} » sera supprimé définitivement."),
        n => format!(
            "Les {} messages du dossier « {name} » seront supprimés définitivement.",
            count(n, Lang::Fr)
        ),
    },
    space_emptied: |name| format!("Le dossier « {name} » a été vidé."),
    space_refresh: "Actualiser",
    space_refreshing: "Actualisation…",

    transfer_heading: "Importer et exporter",
    transfer_help: "Enregistrez les messages d'un dossier sur votre ordinateur, ou ajoutez à un dossier des messages enregistrés ailleurs (par exemple depuis votre ancienne messagerie).",
    export_mail_heading: "Exporter un dossier",
    export_mail_folder: "Dossier à exporter",
    export_mail: "Exporter (.mbox)",
    export_mail_title: "Télécharger tous les messages de ce dossier dans un fichier .mbox",
    import_mail_heading: "Importer des messages",
    import_mail_help: "Un fichier .eml (un message) ou .mbox (plusieurs messages), de 2 Go au plus. Les messages importés sont marqués comme lus.",
    import_mail_folder: "Importer dans le dossier",
    import_mail_file: "Fichier .eml ou .mbox",
    import_mail: "Importer",
    import_mail_too_large: "Ce fichier est trop volumineux. Découpez-le en plusieurs fichiers plus petits, puis importez-les un par un.",
    import_mail_no_file: "Choisissez d'abord un fichier .eml ou .mbox.",
    import_mail_stopped: "L'importation s'est arrêtée avant la fin ; les messages précédents ont bien été importés.",
    import_mail_errors: "Ces messages n'ont pas pu être importés :",
    import_mail_done: |n| match n {
        0 => "Aucun message importé.".into(),
        1 => "1 message importé.".into(),
        n => format!("{} messages importés.", count(n, Lang::Fr)),
    },
};

pub const EN: TrPeople = TrPeople {
    contacts_heading: "Contacts",
    settings_heading: "Settings",

    save: "Save",
    saving: "Saving…",
    saved: "Saved.",
    fix_problems: "Please correct the highlighted fields before saving.",

    new_contact: "New contact",
    search_label: "Search contacts",
    search_placeholder: "Name, address, school…",
    list_label: "Contact list",
    contact_count: |n| match n {
        0 => "No contacts".into(),
        1 => "1 contact".into(),
        n => format!("{n} contacts"),
    },
    no_contacts: "Your address book is empty. Add a contact or import a .vcf file.",
    no_match: "No contact matches your search.",
    no_name: "(no name)",
    import: "Import contacts (.vcf)",
    importing: "Importing…",
    imported: |n| match n {
        0 => "No contacts imported.".into(),
        1 => "1 contact imported.".into(),
        n => format!("{n} contacts imported."),
    },
    import_errors: "These cards could not be imported:",
    import_unreadable: "The file could not be read. Please check that it is a .vcf file.",
    import_too_large: "This file is too large: 5 MB at most. Please import your contacts in several files.",
    export: "Export",
    export_title: "Download all your contacts as a .vcf file",
    no_selection: "Choose a contact from the list, or create a new one.",

    back_to_list: "Back to the contact list",
    back: "Back",
    edit_contact: "Contact details",
    full_name: "Full name",
    given_name: "First name",
    family_name: "Last name",
    emails: "Email addresses",
    email: "Email address",
    add_email: "Add an address",
    phones: "Phone numbers",
    phone: "Phone number",
    add_phone: "Add a number",
    remove_line: "Remove",
    kind: "Type",
    kind_none: "Not specified",
    kind_work: "Work",
    kind_home: "Home",
    kind_cell: "Mobile",
    kind_fax: "Fax",
    kind_other: "Other",
    organization: "School or organisation",
    job_title: "Job title",
    note: "Note",
    write: "Write",
    delete: "Delete",
    confirm_delete: "Delete this contact?",
    confirm_delete_text: "The contact will be removed from your address book. This cannot be undone.",
    deleted: "Contact deleted.",
    name_required: "Please enter at least a name or an email address.",
    invalid_email: |a| format!("“{a}” is not a valid email address."),

    identities: "Identities",
    identities_help: "The addresses you write from, each with its display name and signature.",
    login_identity: "Main address",
    other_identity: "Other identity",
    identity_email: "Email address",
    identity_name: "Display name",
    reply_to: "Reply-to address (optional)",
    signature: "Signature",
    signature_help: "Added below your messages.",
    add_identity: "Add an identity",
    remove_identity: "Remove this identity",
    identity_email_required: "Please enter this identity's email address.",
    invalid_reply_to: |a| format!("“{a}” is not a valid reply-to address."),
    format_heading: "Message format",
    format_help: "The format offered when you write a message.",
    format_rich: "Rich text (bold, lists, links…)",
    format_plain: "Plain text",
    undo_heading: "Undo send delay",
    undo_help: "During this delay, you can still cancel a message you have just sent.",
    undo_secs: |s| match s {
        0 => "No delay".into(),
        1 => "1 second".into(),
        s => format!("{s} seconds"),
    },
    language_heading: "Language",
    language_help: "The language of the interface.",

    offline_heading: "Offline",
    offline_help: "Facteur keeps a copy of your recent messages on this device, so you can read them even without an Internet connection.",
    offline_messages: "Messages kept on this device",
    offline_messages_help: "The most recent ones of the inbox, and of each folder ticked below.",
    offline_count: |n| match n {
        0 => "None".into(),
        shared::prefs::DEFAULT_OFFLINE_MESSAGES => {
            format!("{} messages (default)", count(n, Lang::En))
        }
        n => format!("{} messages", count(n, Lang::En)),
    },
    offline_folders: "Folders available offline",
    offline_folders_help: "The inbox is always kept. Tick the other folders you want to read without a connection.",
    offline_no_folders: "You have no other folder.",
    shared_device_note: "You said this computer is shared: no messages are kept on it.",
    storage_heading: "Space used on this device",
    storage_used: |used, quota| format!("{used} used of {quota} available"),
    storage_unknown: "Your browser does not tell how much space is used.",
    clear_data: "Clear this device's data",
    clear_data_help: "Clears the messages and attachments kept on this device. Nothing is deleted from your mailbox: the messages will be downloaded again as soon as you are online.",
    clear_confirm: "Clear this device's data?",
    clear_confirm_text: "The messages and attachments kept on this device will be cleared. Your mailbox is not affected, and messages waiting for a connection to be sent are kept.",
    clear_confirm_button: "Clear",
    clearing: "Clearing…",
    cleared: "Data cleared.",
    folders_heading: "Folders",
    folders_help: "Create folders to file your messages (administration, teaching, projects…), rename, move or delete them. The mailbox's own folders (Inbox, Sent, Trash…) cannot be changed.",
    folder_name: "Folder name",
    folder_parent: "Inside",
    folders_top_level: "(top level)",
    folder_create: "Create the folder",
    folder_messages: |n| match n {
        0 => "empty".into(),
        1 => "1 message".into(),
        n => format!("{n} messages"),
    },
    folder_subscribed: "Show",
    folder_rename: "Rename or move",
    folder_delete: "Delete",
    folder_delete_confirm: "Delete this folder?",
    folder_delete_text: |name, messages, folders| {
        let sub = match folders {
            0 => String::new(),
            1 => " and 1 subfolder".into(),
            n => format!(" and {n} subfolders"),
        };
        format!(
            "The folder “{name}” holds {messages} message(s){sub}. They will be deleted for good."
        )
    },
    space_heading: "Free up space",
    space_help: "Your mailbox has a size limit. When it is full, you no longer receive messages. Here is what takes the most room.",
    space_used: |used, limit| format!("{used} of {limit} used"),
    space_quota_label: "Space used in your mailbox",
    space_warn: "Your mailbox is filling up: consider deleting the messages you no longer need.",
    space_critical: "Your mailbox is almost full: delete messages and empty the trash, or you will no longer receive new messages.",
    space_no_limit: "Your mailbox does not report a size limit.",
    space_largest: "The largest messages",
    space_largest_help: "Often because of their attachments. Open a message to save or delete it; a deleted message goes to the trash, so empty it afterwards to free the space.",
    space_no_messages: "No messages.",
    space_col_size: "Size",
    space_col_date: "Date",
    space_col_subject: "Subject",
    space_col_from: "From",
    space_col_folder: "Folder",
    space_bins: "Trash and junk mail",
    space_bin_usage: |n, size| match n {
        0 => "empty".into(),
        1 => format!("1 message, {size}"),
        n => format!("{} messages, {size}", count(n, Lang::En)),
    },
    space_empty: "Empty",
    space_empty_confirm: "Empty this folder?",
    space_empty_text: |name, n| match n {
        1 => format!("The message in the folder “{name}” will be deleted for good."),
        n => format!(
            "The {} messages in the folder “{name}” will be deleted for good.",
            count(n, Lang::En)
        ),
    },
    space_emptied: |name| format!("The folder “{name}” has been emptied."),
    space_refresh: "Refresh",
    space_refreshing: "Refreshing…",

    transfer_heading: "Import and export",
    transfer_help: "Save the messages of a folder on your computer, or add to a folder messages saved elsewhere (from your former mailbox, for example).",
    export_mail_heading: "Export a folder",
    export_mail_folder: "Folder to export",
    export_mail: "Export (.mbox)",
    export_mail_title: "Download all the messages of this folder as an .mbox file",
    import_mail_heading: "Import messages",
    import_mail_help: "An .eml file (one message) or an .mbox file (several messages), 2 GB at most. Imported messages are marked as read.",
    import_mail_folder: "Import into the folder",
    import_mail_file: ".eml or .mbox file",
    import_mail: "Import",
    import_mail_too_large: "This file is too large. Please split it into several smaller files and import them one by one.",
    import_mail_no_file: "Please choose an .eml or .mbox file first.",
    import_mail_stopped: "The import stopped before the end; the messages before were imported.",
    import_mail_errors: "These messages could not be imported:",
    import_mail_done: |n| match n {
        0 => "No messages imported.".into(),
        1 => "1 message imported.".into(),
        n => format!("{} messages imported.", count(n, Lang::En)),
    },
};

/// A number of messages as the language writes it ("1 000").
fn count(n: u32, lang: Lang) -> String {
    crate::format::format_count(u64::from(n), crate::format::Numbers::of(lang.table()))
}

impl Lang {
    pub fn people(self) -> &'static TrPeople {
        match self {
            Lang::Fr => &FR,
            Lang::En => &EN,
        }
    }
}

/// A plain sentence of [`TrPeople`] that follows the language switch.
pub fn tp(
    pick: fn(&TrPeople) -> &'static str,
) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let lang = crate::state::lang::use_lang();
    move || pick(lang.get().people())
}

/// A getter for the current language's [`TrPeople`].
pub fn use_trp() -> impl Fn() -> &'static TrPeople + Copy + Send + Sync + 'static {
    let lang = crate::state::lang::use_lang();
    move || lang.get().people()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_agree_with_their_number() {
        assert_eq!((FR.imported)(0), "Aucun contact importé.");
        assert_eq!((FR.imported)(1), "1 contact importé.");
        assert_eq!((FR.imported)(12), "12 contacts importés.");
        assert_eq!((EN.imported)(2), "2 contacts imported.");
        assert_eq!((FR.contact_count)(1), "1 contact");
        assert_eq!((EN.contact_count)(3), "3 contacts");
        assert_eq!((FR.undo_secs)(0), "Pas de délai");
        assert_eq!((FR.undo_secs)(10), "10 secondes");
        assert_eq!((EN.undo_secs)(5), "5 seconds");
        assert_eq!((FR.offline_count)(0), "Aucun");
        assert_eq!((FR.offline_count)(200), "200 messages (par défaut)");
        assert_eq!((FR.offline_count)(1000), "1\u{202f}000 messages");
        assert_eq!((EN.offline_count)(1000), "1,000 messages");
        assert_eq!((EN.offline_count)(50), "50 messages");
        assert_eq!(
            (FR.storage_used)("12 Mo", "2 Go"),
            "12 Mo utilisés sur 2 Go disponibles"
        );
    }

    #[test]
    fn the_french_is_the_expected_one() {
        assert_eq!(FR.new_contact, "Nouveau contact");
        assert_eq!(FR.search_label, "Rechercher un contact");
        assert_eq!(FR.import, "Importer des contacts (.vcf)");
        assert_eq!(FR.confirm_delete, "Supprimer ce contact ?");
        assert_eq!(FR.save, "Enregistrer");
        assert_eq!(FR.saved, "Enregistré.");
        assert!((FR.invalid_email)("x@").contains("« x@ »"));
    }

    #[test]
    fn space_and_import_sentences() {
        assert_eq!(
            (FR.space_used)("838 Ko", "1 Go"),
            "838 Ko sur 1 Go utilisés"
        );
        assert_eq!((EN.space_used)("838 KB", "1 GB"), "838 KB of 1 GB used");
        assert_eq!(FR.space_heading, "Libérer de l'espace");
        assert_eq!(FR.space_empty, "Vider");
        assert_eq!(FR.space_refresh, "Actualiser");
        assert_eq!(FR.export_mail, "Exporter (.mbox)");
        assert_eq!((FR.space_bin_usage)(0, "0 o"), "vide");
        assert_eq!((FR.space_bin_usage)(12, "3,4 Mo"), "12 messages, 3,4 Mo");
        assert_eq!((FR.import_mail_done)(0), "Aucun message importé.");
        assert_eq!((FR.import_mail_done)(1), "1 message importé.");
        assert_eq!((FR.import_mail_done)(12), "12 messages importés.");
        assert_eq!((EN.import_mail_done)(2), "2 messages imported.");
        assert!((FR.space_empty_text)("Corbeille", 3).contains("Les 3 messages"));
        assert!((FR.space_empty_text)("Corbeille", 1).contains("Le message"));
    }
}
