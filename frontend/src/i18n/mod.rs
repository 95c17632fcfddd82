//! Our own small i18n: one [`Tr`] table per language, built as a `const`, so
//! a translation left out is a compile error. Components read the current
//! table through [`use_tr`], which follows the language signal.

#[cfg(feature = "calendar")]
pub mod calendar;
mod en;
mod fr;
#[cfg(feature = "people")]
pub mod people;
#[cfg(any(feature = "compose", feature = "people", feature = "calendar"))]
pub mod write;

use leptos::prelude::*;
use shared::ApiError;
use shared::mail::FolderRole;

use crate::api::Failure;

/// The languages of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Fr,
    En,
}

impl Lang {
    /// The BCP 47 tag, for `<html lang>` and localStorage.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    /// The code as shown where room is short ("FR").
    pub fn short(self) -> &'static str {
        match self {
            Lang::Fr => "FR",
            Lang::En => "EN",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        match code {
            "fr" => Some(Lang::Fr),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn table(self) -> &'static Tr {
        match self {
            Lang::Fr => &fr::FR,
            Lang::En => &en::EN,
        }
    }

    pub const ALL: [Lang; 2] = [Lang::Fr, Lang::En];
}

/// Every sentence of the interface, in one language.
pub struct Tr {
    // Language switch.
    /// The language's own name ("Français", "English").
    pub lang_name: &'static str,
    pub lang_label: &'static str,

    // Common.
    pub loading: &'static str,
    pub retry: &'static str,
    pub cancel: &'static str,
    pub not_found: &'static str,
    pub go_to_inbox: &'static str,

    // Login page.
    pub login_heading: &'static str,
    pub username: &'static str,
    pub password: &'static str,
    pub login_button: &'static str,
    pub logging_in: &'static str,
    pub lost_password: &'static str,
    pub support: &'static str,
    pub fields_required: &'static str,
    pub session_expired: &'static str,
    pub logged_out: &'static str,
    /// Hint under the identifier field, given the mail domain.
    pub username_hint: fn(&str) -> String,

    // App header and panes.
    pub logout: &'static str,
    pub folders: &'static str,
    /// The back button's short text; `back_to_list` is its full name.
    pub back: &'static str,
    pub back_to_list: &'static str,
    pub signed_in_as: &'static str,

    // Folders.
    pub role_inbox: &'static str,
    pub role_drafts: &'static str,
    pub role_sent: &'static str,
    pub role_archive: &'static str,
    pub role_junk: &'static str,
    pub role_trash: &'static str,
    /// "3 non lus": for screen readers next to the badge.
    pub unread_count: fn(u32) -> String,
    pub quota_label: &'static str,
    /// "212 Mo sur 1 Go" given the two formatted sizes.
    pub quota_text: fn(&str, &str) -> String,
    pub quota_almost_full: &'static str,

    // Message list.
    pub messages_count: fn(u32) -> String,
    pub empty_folder: &'static str,
    pub no_subject: &'static str,
    pub no_sender: &'static str,
    pub mark_unread_title: &'static str,
    pub mark_flagged_title: &'static str,
    pub mark_answered_title: &'static str,
    pub mark_attachment_title: &'static str,
    pub select_message: &'static str,
    pub selected_count: fn(u32) -> String,
    pub select_all_folder: fn(u32) -> String,
    pub all_selected: fn(u32) -> String,
    pub bulk_label: &'static str,
    pub bulk_read: &'static str,
    pub bulk_unread: &'static str,
    pub bulk_flag: &'static str,
    pub bulk_delete: &'static str,
    pub bulk_cancel: &'static str,
    pub bulk_progress: fn(usize, usize) -> String,
    pub bulk_done: fn(usize) -> String,
    pub dropped_moved: fn(usize, &str) -> String,
    pub dropped_copied: fn(usize, &str) -> String,
    pub empty_folder_button: fn(bool) -> &'static str,
    pub empty_folder_confirm: &'static str,
    pub empty_folder_text: fn(u32) -> String,
    pub list_label: &'static str,

    // Numbers, sizes and dates.
    pub decimal_sep: char,
    pub thousands_sep: char,
    /// Byte, kilobyte, megabyte, gigabyte, terabyte (binary multiples).
    pub size_units: [&'static str; 5],
    /// Short month names, January first.
    pub months: [&'static str; 12],

    // Reading a message.
    pub from: &'static str,
    pub to: &'static str,
    pub cc: &'static str,
    pub date: &'static str,
    pub actions_label: &'static str,
    pub mark_unread: &'static str,
    pub flag: &'static str,
    pub unflag: &'static str,
    pub move_to: &'static str,
    pub delete: &'static str,
    pub delete_forever: &'static str,
    pub confirm_delete_heading: &'static str,
    pub confirm_delete_text: &'static str,
    pub download_eml: &'static str,
    pub attachments: &'static str,
    pub remote_blocked: &'static str,
    pub show_images: &'static str,
    pub no_message_selected: &'static str,
    pub message_frame_title: &'static str,
    pub empty_body: &'static str,
    pub marked_unread: &'static str,
    pub moved_to: fn(&str) -> String,
    pub moved_to_trash: &'static str,
    pub deleted_forever: &'static str,

    // Filters page.
    pub filters: &'static str,
    #[cfg(feature = "filters")]
    pub mail: &'static str,
    pub create_filter: &'static str,

    // Writing (the pages are in the compose bundle; these are the ways in).
    pub new_message: &'static str,
    pub reply: &'static str,
    pub reply_all: &'static str,
    pub forward: &'static str,
    pub forward_attached: &'static str,
    pub continue_draft: &'static str,
    pub add_to_contacts: &'static str,
    pub contacts: &'static str,
    /// The calendar page's link ("Agenda").
    pub calendar: &'static str,
    // Invitations in a message (the card above it).
    pub inv_request: &'static str,
    pub inv_reply: &'static str,
    pub inv_cancel: &'static str,
    pub inv_when: &'static str,
    pub inv_where: &'static str,
    pub inv_organizer: &'static str,
    pub inv_attendees: &'static str,
    pub inv_all_day: &'static str,
    pub inv_recurring: &'static str,
    pub inv_accept: &'static str,
    pub inv_maybe: &'static str,
    pub inv_decline: &'static str,
    pub inv_answer_label: &'static str,
    pub inv_accepted: &'static str,
    pub inv_tentative_status: &'static str,
    pub inv_declined: &'static str,
    pub inv_needs_action: &'static str,
    pub inv_my_accepted: &'static str,
    pub inv_my_tentative: &'static str,
    pub inv_my_declined: &'static str,
    pub inv_sent: &'static str,
    pub inv_no_clash: &'static str,
    pub inv_clash: &'static str,
    pub inv_outdated: &'static str,
    pub inv_applied: &'static str,
    pub inv_not_in_calendar: &'static str,
    pub inv_cancelled: &'static str,
    pub inv_apply_cancel: &'static str,
    pub inv_open_calendar: &'static str,
    pub settings: &'static str,

    // Organising.
    pub junk: &'static str,
    pub not_junk: &'static str,
    pub moved_to_junk: &'static str,
    pub moved_to_inbox: &'static str,
    pub shortcuts_heading: &'static str,
    pub shortcuts: [(&'static str, &'static str); 16],
    pub close_help: &'static str,

    pub new_mail_from: &'static str,
    pub conversations: &'static str,
    pub show_conversations: &'static str,
    pub more_conversations: &'static str,
    pub conversation: &'static str,
    pub save_search: &'static str,
    pub save_search_prompt: &'static str,
    pub saved_searches: &'static str,
    pub remove_saved_search: fn(&str) -> String,
    pub enable_notifications: &'static str,

    // Offline.
    pub offline_banner: &'static str,
    pub queued_action: &'static str,
    pub outbox: &'static str,
    pub outbox_edit: &'static str,
    pub outbox_cancel: &'static str,
    pub outbox_sent: fn(u32) -> String,
    pub outbox_refused: fn(&str) -> String,
    pub changes_replayed: fn(u32) -> String,
    pub search_label: &'static str,
    pub search_placeholder: &'static str,
    pub search_results: fn(usize) -> String,
    pub search_none: &'static str,
    pub search_note: &'static str,
    pub clear_search: &'static str,
    pub search_options: &'static str,
    pub search_all_folders: &'static str,
    pub search_unread: &'static str,
    pub search_flagged: &'static str,
    pub search_attachment: &'static str,
    pub search_since: &'static str,
    pub search_before: &'static str,
    pub search_larger: &'static str,
    pub shared_device: &'static str,
    pub shared_device_help: &'static str,
    #[cfg(feature = "filters")]
    pub rules: &'static str,
    #[cfg(feature = "filters")]
    pub no_rules: &'static str,
    #[cfg(feature = "filters")]
    pub new_rule: &'static str,
    #[cfg(feature = "filters")]
    pub rule_on: &'static str,
    #[cfg(feature = "filters")]
    pub move_up: &'static str,
    #[cfg(feature = "filters")]
    pub move_down: &'static str,
    #[cfg(feature = "filters")]
    pub edit: &'static str,
    #[cfg(feature = "filters")]
    pub duplicate: &'static str,
    #[cfg(feature = "filters")]
    pub confirm_delete_rule: &'static str,
    #[cfg(feature = "filters")]
    pub confirm_delete_rule_text: &'static str,
    #[cfg(feature = "filters")]
    pub rule_name: &'static str,
    #[cfg(feature = "filters")]
    pub match_all: &'static str,
    #[cfg(feature = "filters")]
    pub match_any: &'static str,
    #[cfg(feature = "filters")]
    pub conditions: &'static str,
    #[cfg(feature = "filters")]
    pub add_condition: &'static str,
    #[cfg(feature = "filters")]
    pub field_label: &'static str,
    #[cfg(feature = "filters")]
    pub to_cc: &'static str,
    #[cfg(feature = "filters")]
    pub subject: &'static str,
    #[cfg(feature = "filters")]
    pub other_header: &'static str,
    #[cfg(feature = "filters")]
    pub header_name: &'static str,
    #[cfg(feature = "filters")]
    pub size_over: &'static str,
    #[cfg(feature = "filters")]
    pub size_under: &'static str,
    #[cfg(feature = "filters")]
    pub op_label: &'static str,
    #[cfg(feature = "filters")]
    pub op_contains: &'static str,
    #[cfg(feature = "filters")]
    pub op_is: &'static str,
    #[cfg(feature = "filters")]
    pub op_begins: &'static str,
    #[cfg(feature = "filters")]
    pub op_matches: &'static str,
    #[cfg(feature = "filters")]
    pub value: &'static str,
    #[cfg(feature = "filters")]
    pub remove: &'static str,
    #[cfg(feature = "filters")]
    pub actions: &'static str,
    #[cfg(feature = "filters")]
    pub add_action: &'static str,
    #[cfg(feature = "filters")]
    pub action_label: &'static str,
    #[cfg(feature = "filters")]
    pub act_move: &'static str,
    #[cfg(feature = "filters")]
    pub act_copy: &'static str,
    #[cfg(feature = "filters")]
    pub act_read: &'static str,
    #[cfg(feature = "filters")]
    pub act_forward: &'static str,
    #[cfg(feature = "filters")]
    pub folder: &'static str,
    #[cfg(feature = "filters")]
    pub address: &'static str,
    #[cfg(feature = "filters")]
    pub keep_copy: &'static str,
    #[cfg(feature = "filters")]
    pub stop_rules: &'static str,
    #[cfg(feature = "filters")]
    pub close: &'static str,
    #[cfg(feature = "filters")]
    pub vacation: &'static str,
    #[cfg(feature = "filters")]
    pub vacation_on: &'static str,
    #[cfg(feature = "filters")]
    pub first_day: &'static str,
    #[cfg(feature = "filters")]
    pub last_day: &'static str,
    #[cfg(feature = "filters")]
    pub message_text: &'static str,
    #[cfg(feature = "filters")]
    pub vacation_days: &'static str,
    #[cfg(feature = "filters")]
    pub vacation_addresses: &'static str,
    #[cfg(feature = "filters")]
    pub forward_all: &'static str,
    #[cfg(feature = "filters")]
    pub forward_on: &'static str,
    #[cfg(feature = "filters")]
    pub save: &'static str,
    #[cfg(feature = "filters")]
    pub saving: &'static str,
    #[cfg(feature = "filters")]
    pub saved: &'static str,
    #[cfg(feature = "filters")]
    pub foreign_heading: &'static str,
    #[cfg(feature = "filters")]
    pub foreign_text: &'static str,
    #[cfg(feature = "filters")]
    pub keep_foreign: &'static str,
    #[cfg(feature = "filters")]
    pub replace_foreign: &'static str,
    #[cfg(feature = "filters")]
    pub confirm_replace: &'static str,
    #[cfg(feature = "filters")]
    pub confirm_replace_text: &'static str,
    #[cfg(feature = "filters")]
    pub dry_run: &'static str,
    #[cfg(feature = "filters")]
    pub dry_running: &'static str,
    #[cfg(feature = "filters")]
    pub examined: fn(u32) -> String,
    #[cfg(feature = "filters")]
    pub no_match: &'static str,
    #[cfg(feature = "filters")]
    pub rule_label: &'static str,
    #[cfg(feature = "filters")]
    pub action_text: fn(&shared::filters::Action) -> String,

    // Errors.
    pub network_error: &'static str,
    pub api_error: fn(&ApiError) -> String,

    // The installed app (pwa.rs): a new version, installing.
    pub update_available: &'static str,
    pub update_now: &'static str,
    pub install_app: &'static str,
    /// Hides the install button for now.
    pub install_later: &'static str,
}

impl Tr {
    /// The sentence for a failed request (empty for an aborted one, never shown).
    pub fn failure(&self, failure: &Failure) -> String {
        match failure {
            Failure::Api(e) => (self.api_error)(e),
            Failure::Network => self.network_error.to_string(),
            Failure::Aborted => String::new(),
        }
    }

    /// The name shown for a folder: translated for special-use folders.
    pub fn role_name(&self, role: FolderRole) -> &'static str {
        match role {
            FolderRole::Inbox => self.role_inbox,
            FolderRole::Drafts => self.role_drafts,
            FolderRole::Sent => self.role_sent,
            FolderRole::Archive => self.role_archive,
            FolderRole::Junk => self.role_junk,
            FolderRole::Trash => self.role_trash,
        }
    }
}

/// A text that follows the language switch: `{t(|t| t.username)}` in a
/// view. Every such text shares this one closure type, so the view code
/// for reactive text is generated once rather than once per string (which
/// costs kilobytes of wasm each).
pub fn t(
    pick: fn(&Tr) -> &'static str,
) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let lang = crate::state::lang::use_lang();
    move || pick(lang.get().table())
}

/// A getter for the current language's table; call it inside reactive
/// closures (`move || (tr().unread_count)(n)`) so text follows the language
/// switch. For a plain field, [`t`] is cheaper.
pub fn use_tr() -> impl Fn() -> &'static Tr + Copy + Send + Sync + 'static {
    let lang = crate::state::lang::use_lang();
    move || lang.get().table()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_has_a_sentence_in_every_language() {
        let errors = [
            ApiError::BadCredentials,
            ApiError::AccountDisabled,
            ApiError::PasswordExpired,
            ApiError::TooManyAttempts {
                retry_after_secs: 90,
            },
            ApiError::ServerUnknown,
            ApiError::ServerUnavailable,
            ApiError::ServerRefused { detail: "x".into() },
            ApiError::NotAuthenticated,
            ApiError::CsrfRejected,
            ApiError::FolderNotFound,
            ApiError::MessageNotFound,
            ApiError::QuotaExceeded,
            ApiError::InvalidRequest { detail: "y".into() },
            ApiError::InvalidFilters { detail: "z".into() },
            ApiError::ForeignFilters,
            ApiError::ConfirmDelete {
                messages: 12,
                folders: 2,
            },
            ApiError::RecipientsRefused {
                addresses: vec!["a@b.fr".into()],
                detail: "550".into(),
            },
            ApiError::MessageTooLarge { max_bytes: 1000 },
            ApiError::SendRefused {
                detail: "554".into(),
            },
            ApiError::EditConflict,
            ApiError::AttachmentExpired,
            ApiError::Internal,
        ];
        for lang in Lang::ALL {
            let tr = lang.table();
            for e in &errors {
                assert!((tr.api_error)(e).len() > 10, "{lang:?} {e:?}");
            }
        }
        assert!(
            (fr::FR.api_error)(&ApiError::TooManyAttempts {
                retry_after_secs: 90
            })
            .contains("2 minutes")
        );
    }

    #[test]
    fn login_labels_are_the_expected_french() {
        assert_eq!(fr::FR.username, "Identifiant");
        assert_eq!(fr::FR.password, "Mot de passe");
        assert_eq!(fr::FR.login_button, "Connexion");
    }

    #[test]
    fn plurals() {
        assert_eq!((fr::FR.unread_count)(1), "1 non lu");
        assert_eq!((fr::FR.unread_count)(3), "3 non lus");
        assert_eq!((en::EN.messages_count)(1), "1 message");
        assert_eq!((en::EN.messages_count)(2), "2 messages");
    }

    #[cfg(feature = "filters")]
    #[test]
    fn filters_plurals() {
        assert_eq!((fr::FR.examined)(1), "1 message examiné");
        assert_eq!((fr::FR.examined)(250), "250 messages examinés");
        assert_eq!((en::EN.examined)(2), "2 messages examined");
    }
}
