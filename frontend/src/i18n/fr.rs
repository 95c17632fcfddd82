//! Le français, langue par défaut de l'interface.

use shared::ApiError;
#[cfg(feature = "filters")]
use shared::filters::Action;

use super::Tr;
use crate::format::{Numbers, format_count, wait_duration};

const NUM: Numbers = Numbers {
    decimal_sep: ',',
    thousands_sep: '\u{202F}',
};

fn username_hint(domain: &str) -> String {
    format!("Votre identifiant, ou votre adresse @{domain}")
}

fn unread_count(n: u32) -> String {
    let s = if n > 1 { "s" } else { "" };
    format!("{} non lu{s}", format_count(n.into(), NUM))
}

fn quota_text(used: &str, limit: &str) -> String {
    format!("{used} sur {limit}")
}

fn messages_count(n: u32) -> String {
    let s = if n > 1 { "s" } else { "" };
    format!("{} message{s}", format_count(n.into(), NUM))
}

fn moved_to(folder: &str) -> String {
    format!("Message déplacé vers « {folder} ».")
}

#[cfg(feature = "filters")]
fn examined(n: u32) -> String {
    let s = if n > 1 { "s" } else { "" };
    format!("{} message{s} examiné{s}", format_count(n.into(), NUM))
}

#[cfg(feature = "filters")]
fn action_text(a: &Action) -> String {
    match a {
        Action::MoveTo(f) => format!("déplacé vers « {f} »"),
        Action::CopyTo(f) => format!("copié vers « {f} »"),
        Action::MarkRead => "marqué comme lu".into(),
        Action::Flag => "marqué d'un drapeau".into(),
        Action::Forward {
            address,
            keep_copy: true,
        } => format!("transféré à {address} (copie gardée)"),
        Action::Forward { address, .. } => format!("transféré à {address}"),
        Action::Delete => "supprimé".into(),
    }
}

fn api_error(e: &ApiError) -> String {
    match e {
        ApiError::BadCredentials => {
            "Identifiant ou mot de passe incorrect. Vérifiez-les (attention aux majuscules) et réessayez.".into()
        }
        ApiError::AccountDisabled => {
            "Ce compte est désactivé : il ne peut pas se connecter. Contactez l'assistance.".into()
        }
        ApiError::PasswordExpired => {
            "Votre mot de passe a expiré. Changez-le avec le lien « Identifiant ou mot de passe perdu ? », puis reconnectez-vous.".into()
        }
        ApiError::TooManyAttempts { retry_after_secs } => {
            let (n, minutes) = wait_duration(*retry_after_secs);
            let unit = match (minutes, n > 1) {
                (true, true) => "minutes",
                (true, false) => "minute",
                (false, true) => "secondes",
                (false, false) => "seconde",
            };
            format!("Trop de tentatives de connexion. Patientez {n} {unit} avant de réessayer.")
        }
        ApiError::ServerUnknown => {
            "Le serveur de messagerie est introuvable (problème de configuration). Prévenez l'assistance.".into()
        }
        ApiError::ServerUnavailable => {
            "Le serveur de messagerie ne répond pas. Réessayez dans quelques minutes.".into()
        }
        ApiError::ServerRefused { detail } => format!(
            "Le serveur de messagerie a refusé l'opération ({detail}). Réessayez ; si cela continue, prévenez l'assistance."
        ),
        ApiError::NotAuthenticated => "Votre session a expiré. Reconnectez-vous pour continuer.".into(),
        ApiError::CsrfRejected => {
            "La page n'est plus à jour. Rechargez-la (touche F5), puis recommencez.".into()
        }
        ApiError::FolderNotFound => {
            "Ce dossier n'existe plus. Choisissez-en un autre dans la liste des dossiers.".into()
        }
        ApiError::MessageNotFound => {
            "Ce message n'existe plus : il a sans doute été déplacé ou supprimé.".into()
        }
        ApiError::QuotaExceeded => {
            "Votre boîte aux lettres est pleine. Supprimez des messages et videz la corbeille pour libérer de la place.".into()
        }
        ApiError::InvalidRequest { detail } => format!(
            "La demande n'a pas pu être traitée ({detail}). Rechargez la page et réessayez."
        ),
        ApiError::InvalidFilters { detail } => format!(
            "Ces filtres ne peuvent pas être enregistrés : {detail}. Corrigez la règle puis enregistrez à nouveau."
        ),
        ApiError::ForeignFilters => {
            "Vos filtres actuels ont été créés par un autre logiciel. Ne les remplacez que si vous n'en avez plus besoin.".into()
        }
        ApiError::ConfirmDelete { messages, folders } => format!(
            "Ce dossier contient {messages} messages (et {folders} sous-dossiers) : confirmez la suppression."
        ),
        ApiError::RecipientsRefused { addresses, detail } => format!(
            "Le serveur d'envoi refuse {} ({detail}). Rien n'a été envoyé : corrigez l'adresse puis renvoyez ; votre message est conservé dans les brouillons.",
            addresses.join(", ")
        ),
        ApiError::MessageTooLarge { max_bytes } => format!(
            "Ce message est trop lourd : le serveur d'envoi accepte au plus {}. Retirez une pièce jointe ou partagez le fichier autrement ; votre message est conservé dans les brouillons.",
            crate::format::format_size(*max_bytes, &FR)
        ),
        ApiError::SendRefused { detail } => format!(
            "Le serveur d'envoi a refusé ce message ({detail}). Rien n'a été envoyé ; votre message est conservé dans les brouillons."
        ),
        ApiError::EditConflict => {
            "Cet élément a été modifié ailleurs entre-temps. Rien n'a été écrasé : la version actuelle est affichée, refaites votre modification.".into()
        }
        ApiError::Forbidden => {
            "Le serveur n'autorise pas cette action : cet agenda est peut-être en lecture seule pour vous. Demandez les droits à son propriétaire.".into()
        }
        ApiError::NotFound => {
            "Cet élément n'existe pas ou plus : il a peut-être été supprimé ailleurs. Actualisez la page.".into()
        }
        ApiError::AttachmentExpired => {
            "Une pièce jointe n'est plus disponible sur le serveur. Joignez le fichier à nouveau.".into()
        }
        ApiError::Internal => {
            "Une erreur est survenue sur le serveur. Réessayez ; si cela continue, prévenez l'assistance.".into()
        }
    }
}

pub const FR: Tr = Tr {
    lang_name: "Français",
    lang_label: "Langue",

    loading: "Chargement…",
    retry: "Réessayer",
    cancel: "Annuler",
    not_found: "Cette page n'existe pas.",
    go_to_inbox: "Aller à la boîte de réception",

    login_heading: "Connexion à votre messagerie",
    username: "Identifiant",
    password: "Mot de passe",
    login_button: "Connexion",
    logging_in: "Connexion en cours…",
    lost_password: "Identifiant ou mot de passe perdu ?",
    support: "Besoin d'aide ? Contacter l'assistance",
    fields_required: "Saisissez votre identifiant et votre mot de passe.",
    session_expired: "Votre session a expiré. Reconnectez-vous pour continuer.",
    logged_out: "Vous êtes déconnecté.",
    username_hint,

    logout: "Déconnexion",
    folders: "Dossiers",
    back: "Retour",
    back_to_list: "Retour à la liste",
    signed_in_as: "Connecté en tant que",

    role_inbox: "Boîte de réception",
    role_drafts: "Brouillons",
    role_sent: "Envoyés",
    role_archive: "Archives",
    role_junk: "Indésirables",
    role_trash: "Corbeille",
    unread_count,
    quota_label: "Espace utilisé",
    quota_text,
    quota_almost_full: "Votre boîte est presque pleine : supprimez des messages et videz la corbeille.",

    messages_count,
    empty_folder: "Ce dossier est vide.",
    no_subject: "(sans objet)",
    no_sender: "(expéditeur inconnu)",
    mark_unread_title: "Non lu",
    mark_flagged_title: "Avec drapeau",
    mark_answered_title: "Répondu",
    mark_attachment_title: "Pièce jointe",
    select_message: "Sélectionner ce message",
    selected_count: |n| match n {
        1 => "1 message sélectionné".into(),
        n => format!("{n} messages sélectionnés"),
    },
    select_all_folder: |n| format!("Sélectionner les {n} messages du dossier"),
    all_selected: |n| format!("Les {n} messages du dossier sont sélectionnés"),
    bulk_label: "Actions sur la sélection",
    bulk_read: "Marquer comme lus",
    bulk_unread: "Marquer comme non lus",
    bulk_flag: "Ajouter un drapeau",
    bulk_delete: "Supprimer",
    bulk_cancel: "Annuler la sélection",
    bulk_progress: |done, total| format!("{done} sur {total} messages traités…"),
    bulk_done: |n| match n {
        1 => "1 message traité.".into(),
        n => format!("{n} messages traités."),
    },
    dropped_moved: |n, to| match n {
        1 => format!("Message déplacé vers « {to} »."),
        n => format!("{n} messages déplacés vers « {to} »."),
    },
    dropped_copied: |n, to| match n {
        1 => format!("Message copié dans « {to} »."),
        n => format!("{n} messages copiés dans « {to} »."),
    },
    empty_folder_button: |trash| {
        if trash {
            "Vider la corbeille"
        } else {
            "Vider les indésirables"
        }
    },
    empty_folder_confirm: "Vider ce dossier ?",
    empty_folder_text: |n| {
        format!("Les {n} messages de ce dossier seront supprimés définitivement.")
    },
    list_label: "Messages",

    decimal_sep: NUM.decimal_sep,
    thousands_sep: NUM.thousands_sep,
    size_units: ["o", "Ko", "Mo", "Go", "To"],
    months: [
        "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
        "déc.",
    ],

    from: "De",
    to: "À",
    cc: "Cc",
    date: "Date",
    actions_label: "Actions sur le message",
    mark_unread: "Marquer comme non lu",
    flag: "Ajouter un drapeau",
    unflag: "Retirer le drapeau",
    move_to: "Déplacer vers…",
    delete: "Supprimer",
    delete_forever: "Supprimer définitivement",
    confirm_delete_heading: "Supprimer définitivement ce message ?",
    confirm_delete_text: "Ce message est dans la corbeille : si vous le supprimez, il sera effacé pour de bon et ne pourra pas être récupéré.",
    download_eml: "Télécharger (.eml)",
    attachments: "Pièces jointes",
    remote_blocked: "Les images distantes ont été bloquées pour protéger votre vie privée.",
    show_images: "Afficher les images",
    no_message_selected: "Sélectionnez un message pour le lire.",
    message_frame_title: "Contenu du message",
    empty_body: "(Ce message ne contient pas de texte.)",
    marked_unread: "Message marqué comme non lu.",
    moved_to,
    moved_to_trash: "Message placé dans la corbeille.",
    deleted_forever: "Message supprimé définitivement.",

    filters: "Filtres",
    #[cfg(feature = "filters")]
    mail: "Courrier",
    create_filter: "Créer un filtre",

    new_message: "Nouveau message",
    reply: "Répondre",
    reply_all: "Répondre à tous",
    forward: "Transférer",
    forward_attached: "Transférer en pièce jointe",
    continue_draft: "Continuer ce brouillon",
    add_to_contacts: "Ajouter aux contacts",
    contacts: "Contacts",
    calendar: "Agenda",
    inv_request: "Invitation",
    inv_reply: "Réponse à votre invitation",
    inv_cancel: "Événement annulé",
    inv_when: "Quand",
    inv_where: "Où",
    inv_organizer: "Organisé par",
    inv_attendees: "Participants",
    inv_all_day: "toute la journée",
    inv_recurring: "se répète",
    inv_accept: "Accepter",
    inv_maybe: "Peut-être",
    inv_decline: "Refuser",
    inv_answer_label: "Votre réponse",
    inv_accepted: "a accepté",
    inv_tentative_status: "peut-être",
    inv_declined: "a refusé",
    inv_needs_action: "pas encore répondu",
    inv_my_accepted: "Vous participez.",
    inv_my_tentative: "Vous participerez peut-être.",
    inv_my_declined: "Vous ne participez pas.",
    inv_sent: "L'organisateur a été prévenu et l'événement est dans votre agenda.",
    inv_no_clash: "Vous n'avez rien d'autre à ce moment-là.",
    inv_clash: "Attention, en même temps dans votre agenda :",
    inv_outdated: "Votre agenda contient déjà une version plus récente de cet événement.",
    inv_applied: "Votre agenda est à jour.",
    inv_not_in_calendar: "l'événement n'est pas dans votre agenda.",
    inv_cancelled: "L'organisateur a annulé cet événement.",
    inv_apply_cancel: "Marquer comme annulé dans mon agenda",
    inv_open_calendar: "Ouvrir l'agenda",
    settings: "Paramètres",

    junk: "Indésirable",
    not_junk: "Pas indésirable",
    moved_to_junk: "Message classé comme indésirable.",
    moved_to_inbox: "Message remis dans la boîte de réception.",
    shortcuts_heading: "Raccourcis clavier",
    shortcuts: [
        ("j", "Message suivant"),
        ("k", "Message précédent"),
        ("o, Entrée", "Ouvrir le premier message"),
        ("u", "Revenir à la liste"),
        ("c", "Nouveau message"),
        ("r", "Répondre"),
        ("a", "Répondre à tous"),
        ("f", "Transférer"),
        ("e", "Archiver"),
        ("#", "Supprimer"),
        ("s", "Ajouter ou retirer le drapeau"),
        ("!", "Indésirable"),
        ("/", "Rechercher"),
        ("?", "Afficher cette aide"),
        ("Échap", "Fermer cette aide"),
        ("Ctrl + Entrée", "Envoyer (dans l'éditeur)"),
    ],
    close_help: "Fermer",

    new_mail_from: "Nouveau message de",
    conversations: "Conversations",
    show_conversations: "Conversations",
    more_conversations: "Afficher plus de conversations",
    conversation: "Les autres messages de la conversation",
    save_search: "Enregistrer la recherche",
    save_search_prompt: "Nom de la recherche (elle apparaîtra sous vos dossiers) :",
    saved_searches: "Recherches enregistrées",
    remove_saved_search: |n| format!("Retirer la recherche « {n} »"),
    enable_notifications: "Me prévenir des nouveaux messages",

    offline_banner: "Hors connexion : vous lisez les messages gardés sur cet appareil. Ce que vous faites sera envoyé au retour du réseau.",
    queued_action: "Hors connexion : ce sera fait dès le retour du réseau.",
    outbox: "Boîte d'envoi",
    outbox_edit: "Modifier",
    outbox_cancel: "Annuler l'envoi",
    outbox_sent: |n| match n {
        1 => "Le message en attente est parti.".into(),
        n => format!("Les {n} messages en attente sont partis."),
    },
    outbox_refused: |s| {
        format!(
            "« {s} » n'a pas pu partir : ouvrez-le depuis « Nouveau message » pour le corriger."
        )
    },
    changes_replayed: |n| match n {
        1 => "La modification faite hors connexion a été enregistrée.".into(),
        n => format!("Les {n} modifications faites hors connexion ont été enregistrées."),
    },
    search_label: "Rechercher",
    search_placeholder: "Rechercher dans les messages…",
    search_results: |n| match n {
        0 => "Aucun message trouvé".into(),
        1 => "1 message trouvé".into(),
        n => format!("{n} messages trouvés"),
    },
    search_none: "Aucun message gardé sur cet appareil ne correspond.",
    search_note: "Hors connexion : recherche dans les messages gardés sur cet appareil.",
    clear_search: "Effacer la recherche",
    search_options: "Options",
    search_all_folders: "Tous les dossiers",
    search_unread: "Non lus",
    search_flagged: "Avec drapeau",
    search_attachment: "Avec pièce jointe",
    search_since: "Depuis le",
    search_before: "Avant le",
    search_larger: "Plus de (Mo)",
    shared_device: "Ordinateur partagé : ne rien garder sur cet appareil",
    shared_device_help: "Cochez cette case sur un ordinateur de salle des professeurs ou de CDI : aucun message ne sera enregistré sur l'ordinateur.",
    #[cfg(feature = "filters")]
    rules: "Règles",
    #[cfg(feature = "filters")]
    no_rules: "Aucune règle pour l'instant.",
    #[cfg(feature = "filters")]
    new_rule: "Nouvelle règle",
    #[cfg(feature = "filters")]
    rule_on: "Active",
    #[cfg(feature = "filters")]
    move_up: "Monter",
    #[cfg(feature = "filters")]
    move_down: "Descendre",
    #[cfg(feature = "filters")]
    edit: "Modifier",
    #[cfg(feature = "filters")]
    duplicate: "Dupliquer",
    #[cfg(feature = "filters")]
    confirm_delete_rule: "Supprimer cette règle ?",
    #[cfg(feature = "filters")]
    confirm_delete_rule_text: "La règle disparaît de la liste ; le serveur ne change qu'une fois les filtres enregistrés.",
    #[cfg(feature = "filters")]
    rule_name: "Nom de la règle",
    #[cfg(feature = "filters")]
    match_all: "Toutes les conditions",
    #[cfg(feature = "filters")]
    match_any: "Au moins une condition",
    #[cfg(feature = "filters")]
    conditions: "Conditions",
    #[cfg(feature = "filters")]
    add_condition: "Ajouter une condition",
    #[cfg(feature = "filters")]
    field_label: "Champ",
    #[cfg(feature = "filters")]
    to_cc: "À ou Cc",
    #[cfg(feature = "filters")]
    subject: "Objet",
    #[cfg(feature = "filters")]
    other_header: "Autre en-tête",
    #[cfg(feature = "filters")]
    header_name: "Nom de l'en-tête",
    #[cfg(feature = "filters")]
    size_over: "Taille supérieure à (Ko)",
    #[cfg(feature = "filters")]
    size_under: "Taille inférieure à (Ko)",
    #[cfg(feature = "filters")]
    op_label: "Comparaison",
    #[cfg(feature = "filters")]
    op_contains: "contient",
    #[cfg(feature = "filters")]
    op_is: "est",
    #[cfg(feature = "filters")]
    op_begins: "commence par",
    #[cfg(feature = "filters")]
    op_matches: "correspond à (jokers * ?)",
    #[cfg(feature = "filters")]
    value: "Valeur",
    #[cfg(feature = "filters")]
    remove: "Retirer",
    #[cfg(feature = "filters")]
    actions: "Actions",
    #[cfg(feature = "filters")]
    add_action: "Ajouter une action",
    #[cfg(feature = "filters")]
    action_label: "Action",
    #[cfg(feature = "filters")]
    act_move: "Déplacer vers le dossier",
    #[cfg(feature = "filters")]
    act_copy: "Copier vers le dossier",
    #[cfg(feature = "filters")]
    act_read: "Marquer comme lu",
    #[cfg(feature = "filters")]
    act_forward: "Transférer à une adresse",
    #[cfg(feature = "filters")]
    folder: "Dossier",
    #[cfg(feature = "filters")]
    address: "Adresse",
    #[cfg(feature = "filters")]
    keep_copy: "Garder une copie",
    #[cfg(feature = "filters")]
    stop_rules: "Ne pas appliquer les règles suivantes",
    #[cfg(feature = "filters")]
    close: "Fermer",
    #[cfg(feature = "filters")]
    vacation: "Réponse d'absence",
    #[cfg(feature = "filters")]
    vacation_on: "Répondre automatiquement pendant mon absence",
    #[cfg(feature = "filters")]
    first_day: "Premier jour",
    #[cfg(feature = "filters")]
    last_day: "Dernier jour",
    #[cfg(feature = "filters")]
    message_text: "Message",
    #[cfg(feature = "filters")]
    vacation_days: "Jours entre deux réponses au même expéditeur",
    #[cfg(feature = "filters")]
    vacation_addresses: "Mes autres adresses concernées (séparées par des virgules)",
    #[cfg(feature = "filters")]
    forward_all: "Transfert de tout le courrier",
    #[cfg(feature = "filters")]
    forward_on: "Transférer tous les messages",
    #[cfg(feature = "filters")]
    save: "Enregistrer",
    #[cfg(feature = "filters")]
    saving: "Enregistrement…",
    #[cfg(feature = "filters")]
    saved: "Filtres enregistrés.",
    #[cfg(feature = "filters")]
    foreign_heading: "Filtres créés par un autre logiciel",
    #[cfg(feature = "filters")]
    foreign_text: "Ces filtres sont actifs sur le serveur, mais Facteur ne les a pas écrits et ne peut pas les modifier. Gardez-les (rien n'est enregistré), ou remplacez-les par les règles de cette page.",
    #[cfg(feature = "filters")]
    keep_foreign: "Garder ces filtres",
    #[cfg(feature = "filters")]
    replace_foreign: "Les remplacer",
    #[cfg(feature = "filters")]
    confirm_replace: "Remplacer les filtres existants ?",
    #[cfg(feature = "filters")]
    confirm_replace_text: "Les filtres affichés seront désactivés et remplacés par les règles de cette page.",
    #[cfg(feature = "filters")]
    dry_run: "Tester sur les messages récents",
    #[cfg(feature = "filters")]
    dry_running: "Test en cours…",
    #[cfg(feature = "filters")]
    examined,
    #[cfg(feature = "filters")]
    no_match: "Aucun de ces messages ne serait concerné.",
    #[cfg(feature = "filters")]
    rule_label: "Règle",
    #[cfg(feature = "filters")]
    action_text,

    network_error: "Impossible de joindre le serveur. Vérifiez votre connexion à Internet, puis réessayez.",
    api_error,

    update_available: "Une nouvelle version de Facteur est disponible.",
    update_now: "Mettre à jour",
    install_app: "Installer l'application",
    install_later: "Plus tard",
};
