//! The sentences of the address book and settings pages (compose bundle).
//! Same rules as [`super::Tr`]: one `const` per language.

use leptos::prelude::*;

use super::Lang;

pub struct TrPeople {
    pub contacts_heading: &'static str,
    pub settings_heading: &'static str,
}

pub const FR: TrPeople = TrPeople {
    contacts_heading: "Contacts",
    settings_heading: "Paramètres",
};

pub const EN: TrPeople = TrPeople {
    contacts_heading: "Contacts",
    settings_heading: "Settings",
};

impl Lang {
    pub fn people(self) -> &'static TrPeople {
        match self {
            Lang::Fr => &FR,
            Lang::En => &EN,
        }
    }
}

/// A plain sentence of [`TrPeople`] that follows the language switch.
pub fn tp(pick: fn(&TrPeople) -> &'static str) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let lang = crate::state::lang::use_lang();
    move || pick(lang.get().people())
}

/// A getter for the current language's [`TrPeople`].
pub fn use_trp() -> impl Fn() -> &'static TrPeople + Copy + Send + Sync + 'static {
    let lang = crate::state::lang::use_lang();
    move || lang.get().people()
}
