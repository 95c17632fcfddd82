//! English, available from the language switch.

use shared::ApiError;
#[cfg(feature = "filters")]
use shared::filters::Action;

use super::Tr;
use crate::format::{Numbers, format_count, wait_duration};

const NUM: Numbers = Numbers {
    decimal_sep: '.',
    thousands_sep: ',',
};

fn username_hint(domain: &str) -> String {
    format!("Your username, or your @{domain} address")
}

fn unread_count(n: u32) -> String {
    format!("{} unread", format_count(n.into(), NUM))
}

fn quota_text(used: &str, limit: &str) -> String {
    format!("{used} of {limit}")
}

fn messages_count(n: u32) -> String {
    let s = if n == 1 { "" } else { "s" };
    format!("{} message{s}", format_count(n.into(), NUM))
}

fn moved_to(folder: &str) -> String {
    format!("Message moved to “{folder}”.")
}

#[cfg(feature = "filters")]
fn examined(n: u32) -> String {
    let s = if n == 1 { "" } else { "s" };
    format!("{} message{s} examined", format_count(n.into(), NUM))
}

#[cfg(feature = "filters")]
fn action_text(a: &Action) -> String {
    match a {
        Action::MoveTo(f) => format!("moved to “{f}”"),
        Action::CopyTo(f) => format!("copied to “{f}”"),
        Action::MarkRead => "marked as read".into(),
        Action::Flag => "flagged".into(),
        Action::Forward {
            address,
            keep_copy: true,
        } => format!("forwarded to {address} (copy kept)"),
        Action::Forward { address, .. } => format!("forwarded to {address}"),
        Action::Delete => "deleted".into(),
    }
}

fn api_error(e: &ApiError) -> String {
    match e {
        ApiError::BadCredentials => {
            "Wrong username or password. Check them (mind upper case) and try again.".into()
        }
        ApiError::AccountDisabled => "This account is disabled and cannot sign in. Contact the help desk.".into(),
        ApiError::PasswordExpired => {
            "Your password has expired. Change it through the “Lost your username or password?” link, then sign in again.".into()
        }
        ApiError::TooManyAttempts { retry_after_secs } => {
            let (n, minutes) = wait_duration(*retry_after_secs);
            let unit = match (minutes, n > 1) {
                (true, true) => "minutes",
                (true, false) => "minute",
                (false, true) => "seconds",
                (false, false) => "second",
            };
            format!("Too many sign-in attempts. Wait {n} {unit} before trying again.")
        }
        ApiError::ServerUnknown => {
            "The mail server cannot be found (a configuration problem). Tell the help desk.".into()
        }
        ApiError::ServerUnavailable => {
            "The mail server is not answering. Try again in a few minutes.".into()
        }
        ApiError::ServerRefused { detail } => format!(
            "The mail server refused the operation ({detail}). Try again; if it keeps happening, tell the help desk."
        ),
        ApiError::NotAuthenticated => "Your session has expired. Sign in again to continue.".into(),
        ApiError::CsrfRejected => "This page is out of date. Reload it (F5 key), then try again.".into(),
        ApiError::FolderNotFound => "This folder no longer exists. Pick another one in the folder list.".into(),
        ApiError::MessageNotFound => {
            "This message no longer exists: it was probably moved or deleted.".into()
        }
        ApiError::QuotaExceeded => {
            "Your mailbox is full. Delete messages and empty the trash to make room.".into()
        }
        ApiError::InvalidRequest { detail } => {
            format!("The request could not be processed ({detail}). Reload the page and try again.")
        }
        ApiError::InvalidFilters { detail } => {
            format!("These filters cannot be saved: {detail}. Correct the rule and save again.")
        }
        ApiError::ForeignFilters => {
            "Your current filters were made by another program. Replace them only if you no longer need them.".into()
        }
        ApiError::ConfirmDelete { messages, folders } => format!(
            "This folder holds {messages} messages (and {folders} subfolders): confirm the deletion."
        ),
        ApiError::RecipientsRefused { addresses, detail } => format!(
            "The sending server refuses {} ({detail}). Nothing was sent: correct the address and send again; your message is kept in Drafts.",
            addresses.join(", ")
        ),
        ApiError::MessageTooLarge { max_bytes } => format!(
            "This message is too large: the sending server accepts at most {}. Remove an attachment or share the file another way; your message is kept in Drafts.",
            crate::format::format_size(*max_bytes, &EN)
        ),
        ApiError::SendRefused { detail } => format!(
            "The sending server refused this message ({detail}). Nothing was sent; your message is kept in Drafts."
        ),
        ApiError::EditConflict => {
            "This item was changed elsewhere meanwhile. Nothing was overwritten: the current version is shown, make your change again.".into()
        }
        ApiError::Forbidden => {
            "The server does not allow this: this calendar may be read-only for you. Ask its owner for the rights.".into()
        }
        ApiError::NotFound => {
            "This item does not exist (any more): it may have been deleted elsewhere. Reload the page.".into()
        }
        ApiError::AttachmentExpired => {
            "An attachment is no longer on the server. Attach the file again.".into()
        }
        ApiError::Internal => {
            "Something went wrong on the server. Try again; if it keeps happening, tell the help desk.".into()
        }
    }
}

pub const EN: Tr = Tr {
    lang_name: "English",
    lang_label: "Language",

    loading: "Loading…",
    retry: "Try again",
    cancel: "Cancel",
    not_found: "This page does not exist.",
    go_to_inbox: "Go to the inbox",

    login_heading: "Sign in to your mail",
    username: "Username",
    password: "Password",
    login_button: "Sign in",
    logging_in: "Signing in…",
    lost_password: "Lost your username or password?",
    support: "Need help? Contact the help desk",
    fields_required: "Enter your username and your password.",
    session_expired: "Your session has expired. Sign in again to continue.",
    logged_out: "You are signed out.",
    username_hint,

    logout: "Sign out",
    folders: "Folders",
    back: "Back",
    back_to_list: "Back to the list",
    signed_in_as: "Signed in as",

    role_inbox: "Inbox",
    role_drafts: "Drafts",
    role_sent: "Sent",
    role_archive: "Archive",
    role_junk: "Junk",
    role_trash: "Trash",
    unread_count,
    quota_label: "Storage used",
    quota_text,
    quota_almost_full: "Your mailbox is almost full: delete messages and empty the trash.",

    messages_count,
    empty_folder: "This folder is empty.",
    no_subject: "(no subject)",
    no_sender: "(unknown sender)",
    mark_unread_title: "Unread",
    mark_flagged_title: "Flagged",
    mark_answered_title: "Answered",
    mark_attachment_title: "Attachment",
    select_message: "Select this message",
    selected_count: |n| match n {
        1 => "1 message selected".into(),
        n => format!("{n} messages selected"),
    },
    select_all_folder: |n| format!("Select all {n} messages of the folder"),
    all_selected: |n| format!("All {n} messages of the folder are selected"),
    bulk_label: "Actions on the selection",
    bulk_read: "Mark as read",
    bulk_unread: "Mark as unread",
    bulk_flag: "Flag",
    bulk_delete: "Delete",
    bulk_cancel: "Clear the selection",
    bulk_progress: |done, total| format!("{done} of {total} messages done…"),
    bulk_done: |n| match n {
        1 => "1 message done.".into(),
        n => format!("{n} messages done."),
    },
    dropped_moved: |n, to| match n {
        1 => format!("Message moved to “{to}”."),
        n => format!("{n} messages moved to “{to}”."),
    },
    dropped_copied: |n, to| match n {
        1 => format!("Message copied to “{to}”."),
        n => format!("{n} messages copied to “{to}”."),
    },
    empty_folder_button: |trash| {
        if trash {
            "Empty the trash"
        } else {
            "Empty junk"
        }
    },
    empty_folder_confirm: "Empty this folder?",
    empty_folder_text: |n| format!("The {n} messages of this folder will be deleted for good."),
    list_label: "Messages",

    decimal_sep: NUM.decimal_sep,
    thousands_sep: NUM.thousands_sep,
    size_units: ["B", "KB", "MB", "GB", "TB"],
    months: [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ],

    from: "From",
    to: "To",
    cc: "Cc",
    date: "Date",
    actions_label: "Message actions",
    mark_unread: "Mark as unread",
    flag: "Flag",
    unflag: "Remove flag",
    move_to: "Move to…",
    delete: "Delete",
    delete_forever: "Delete for good",
    confirm_delete_heading: "Delete this message for good?",
    confirm_delete_text: "This message is in the trash: if you delete it, it is erased for good and cannot be recovered.",
    download_eml: "Download (.eml)",
    attachments: "Attachments",
    remote_blocked: "Remote images were blocked to protect your privacy.",
    show_images: "Show images",
    no_message_selected: "Select a message to read it.",
    message_frame_title: "Message content",
    empty_body: "(This message has no text.)",
    marked_unread: "Message marked as unread.",
    moved_to,
    moved_to_trash: "Message moved to the trash.",
    deleted_forever: "Message deleted for good.",

    filters: "Filters",
    #[cfg(feature = "filters")]
    mail: "Mail",
    create_filter: "Create a filter",

    new_message: "New message",
    reply: "Reply",
    reply_all: "Reply all",
    forward: "Forward",
    forward_attached: "Forward as attachment",
    continue_draft: "Continue this draft",
    add_to_contacts: "Add to contacts",
    contacts: "Contacts",
    calendar: "Calendar",
    inv_request: "Invitation",
    inv_reply: "Reply to your invitation",
    inv_cancel: "Event cancelled",
    inv_when: "When",
    inv_where: "Where",
    inv_organizer: "Organiser",
    inv_attendees: "Attendees",
    inv_all_day: "all day",
    inv_recurring: "repeats",
    inv_accept: "Accept",
    inv_maybe: "Maybe",
    inv_decline: "Decline",
    inv_answer_label: "Your answer",
    inv_accepted: "accepted",
    inv_tentative_status: "maybe",
    inv_declined: "declined",
    inv_needs_action: "not answered yet",
    inv_my_accepted: "You are going.",
    inv_my_tentative: "You may go.",
    inv_my_declined: "You are not going.",
    inv_sent: "The organiser has been told and the event is in your calendar.",
    inv_no_clash: "You have nothing else at that time.",
    inv_clash: "Careful, at the same time in your calendar:",
    inv_outdated: "Your calendar already has a newer version of this event.",
    inv_applied: "Your calendar is up to date.",
    inv_not_in_calendar: "the event is not in your calendar.",
    inv_cancelled: "The organiser cancelled this event.",
    inv_apply_cancel: "Mark as cancelled in my calendar",
    inv_open_calendar: "Open the calendar",
    settings: "Settings",

    junk: "Junk",
    not_junk: "Not junk",
    moved_to_junk: "Message marked as junk.",
    moved_to_inbox: "Message put back in the inbox.",
    shortcuts_heading: "Keyboard shortcuts",
    shortcuts: [
        ("j", "Next message"),
        ("k", "Previous message"),
        ("o, Enter", "Open the first message"),
        ("u", "Back to the list"),
        ("c", "New message"),
        ("r", "Reply"),
        ("a", "Reply all"),
        ("f", "Forward"),
        ("e", "Archive"),
        ("#", "Delete"),
        ("s", "Flag or unflag"),
        ("!", "Junk"),
        ("/", "Search"),
        ("?", "Show this help"),
        ("Esc", "Close this help"),
        ("Ctrl + Enter", "Send (in the editor)"),
    ],
    close_help: "Close",

    new_mail_from: "New message from",
    conversations: "Conversations",
    show_conversations: "Conversations",
    more_conversations: "Show more conversations",
    conversation: "The other messages of the conversation",
    save_search: "Save the search",
    save_search_prompt: "Name of the search (it will appear under your folders):",
    saved_searches: "Saved searches",
    remove_saved_search: |n| format!("Remove the search “{n}”"),
    enable_notifications: "Notify me of new messages",

    offline_banner: "Offline: you are reading the messages kept on this device. What you do will be sent when the network is back.",
    queued_action: "Offline: it will be done as soon as the network is back.",
    outbox: "Outbox",
    outbox_edit: "Edit",
    outbox_cancel: "Cancel sending",
    outbox_sent: |n| match n {
        1 => "The waiting message has been sent.".into(),
        n => format!("The {n} waiting messages have been sent."),
    },
    outbox_refused: |s| {
        format!("“{s}” could not be sent: open it from “New message” to correct it.")
    },
    changes_replayed: |n| match n {
        1 => "The change made offline has been saved.".into(),
        n => format!("The {n} changes made offline have been saved."),
    },
    search_label: "Search",
    search_placeholder: "Search messages…",
    search_results: |n| match n {
        0 => "No message found".into(),
        1 => "1 message found".into(),
        n => format!("{n} messages found"),
    },
    search_none: "No message kept on this device matches.",
    search_note: "Offline: searching the messages kept on this device.",
    clear_search: "Clear the search",
    search_options: "Options",
    search_all_folders: "All folders",
    search_unread: "Unread",
    search_flagged: "Flagged",
    search_attachment: "With attachment",
    search_since: "From",
    search_before: "Before",
    search_larger: "Larger than (MB)",
    shared_device: "Shared computer: keep nothing on this device",
    shared_device_help: "Tick this box on a staff-room or library computer: no message will be stored on the computer.",
    #[cfg(feature = "filters")]
    rules: "Rules",
    #[cfg(feature = "filters")]
    no_rules: "No rules yet.",
    #[cfg(feature = "filters")]
    new_rule: "New rule",
    #[cfg(feature = "filters")]
    rule_on: "On",
    #[cfg(feature = "filters")]
    move_up: "Move up",
    #[cfg(feature = "filters")]
    move_down: "Move down",
    #[cfg(feature = "filters")]
    edit: "Edit",
    #[cfg(feature = "filters")]
    duplicate: "Duplicate",
    #[cfg(feature = "filters")]
    confirm_delete_rule: "Delete this rule?",
    #[cfg(feature = "filters")]
    confirm_delete_rule_text: "The rule leaves the list; the server changes only once the filters are saved.",
    #[cfg(feature = "filters")]
    rule_name: "Rule name",
    #[cfg(feature = "filters")]
    match_all: "All of the conditions",
    #[cfg(feature = "filters")]
    match_any: "Any of the conditions",
    #[cfg(feature = "filters")]
    conditions: "Conditions",
    #[cfg(feature = "filters")]
    add_condition: "Add a condition",
    #[cfg(feature = "filters")]
    field_label: "Field",
    #[cfg(feature = "filters")]
    to_cc: "To or Cc",
    #[cfg(feature = "filters")]
    subject: "Subject",
    #[cfg(feature = "filters")]
    other_header: "Other header",
    #[cfg(feature = "filters")]
    header_name: "Header name",
    #[cfg(feature = "filters")]
    size_over: "Size over (KB)",
    #[cfg(feature = "filters")]
    size_under: "Size under (KB)",
    #[cfg(feature = "filters")]
    op_label: "Comparison",
    #[cfg(feature = "filters")]
    op_contains: "contains",
    #[cfg(feature = "filters")]
    op_is: "is",
    #[cfg(feature = "filters")]
    op_begins: "begins with",
    #[cfg(feature = "filters")]
    op_matches: "matches (wildcards * ?)",
    #[cfg(feature = "filters")]
    value: "Value",
    #[cfg(feature = "filters")]
    remove: "Remove",
    #[cfg(feature = "filters")]
    actions: "Actions",
    #[cfg(feature = "filters")]
    add_action: "Add an action",
    #[cfg(feature = "filters")]
    action_label: "Action",
    #[cfg(feature = "filters")]
    act_move: "Move to folder",
    #[cfg(feature = "filters")]
    act_copy: "Copy to folder",
    #[cfg(feature = "filters")]
    act_read: "Mark as read",
    #[cfg(feature = "filters")]
    act_forward: "Forward to an address",
    #[cfg(feature = "filters")]
    folder: "Folder",
    #[cfg(feature = "filters")]
    address: "Address",
    #[cfg(feature = "filters")]
    keep_copy: "Keep a copy",
    #[cfg(feature = "filters")]
    stop_rules: "Do not apply the following rules",
    #[cfg(feature = "filters")]
    close: "Close",
    #[cfg(feature = "filters")]
    vacation: "Out of office",
    #[cfg(feature = "filters")]
    vacation_on: "Reply automatically while I am away",
    #[cfg(feature = "filters")]
    first_day: "First day",
    #[cfg(feature = "filters")]
    last_day: "Last day",
    #[cfg(feature = "filters")]
    message_text: "Message",
    #[cfg(feature = "filters")]
    vacation_days: "Days between two replies to the same sender",
    #[cfg(feature = "filters")]
    vacation_addresses: "My other addresses it answers for (comma-separated)",
    #[cfg(feature = "filters")]
    forward_all: "Forwarding of all mail",
    #[cfg(feature = "filters")]
    forward_on: "Forward every message",
    #[cfg(feature = "filters")]
    save: "Save",
    #[cfg(feature = "filters")]
    saving: "Saving…",
    #[cfg(feature = "filters")]
    saved: "Filters saved.",
    #[cfg(feature = "filters")]
    foreign_heading: "Filters written by another program",
    #[cfg(feature = "filters")]
    foreign_text: "These filters are active on the server, but Facteur did not write them and cannot edit them. Keep them (nothing is saved), or replace them with the rules on this page.",
    #[cfg(feature = "filters")]
    keep_foreign: "Keep these filters",
    #[cfg(feature = "filters")]
    replace_foreign: "Replace them",
    #[cfg(feature = "filters")]
    confirm_replace: "Replace the existing filters?",
    #[cfg(feature = "filters")]
    confirm_replace_text: "The filters shown will be turned off and replaced by the rules on this page.",
    #[cfg(feature = "filters")]
    dry_run: "Test on recent messages",
    #[cfg(feature = "filters")]
    dry_running: "Testing…",
    #[cfg(feature = "filters")]
    examined,
    #[cfg(feature = "filters")]
    no_match: "None of these messages would be affected.",
    #[cfg(feature = "filters")]
    rule_label: "Rule",
    #[cfg(feature = "filters")]
    action_text,

    network_error: "The server cannot be reached. Check your Internet connection, then try again.",
    api_error,

    update_available: "A new version of Facteur is available.",
    update_now: "Update",
    install_app: "Install the app",
    install_later: "Not now",
};
