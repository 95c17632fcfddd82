//! What makes Facteur an installable app that opens offline: the web app
//! manifest (from the configuration's brand, in French or English), the
//! icons (drawn at start, see [`icon`]) and the service worker (`sw.js`,
//! with the version and the list of files of this build written in).
//! [`crate::assets`] serves them.

pub mod icon;
pub mod png;

use serde_json::json;

use icon::Style;

/// The service worker, without the constants the backend writes above it.
pub const SW_TEMPLATE: &str = include_str!("sw.js");

/// Where the service worker is served.
pub const SW_PATH: &str = "/sw.js";
/// Where the manifest is served (`?lang=en` for English).
pub const MANIFEST_PATH: &str = "/manifest.webmanifest";
/// How long browsers keep the icons (they are not hashed: not immutable).
pub const ICON_CACHE_CONTROL: &str = "public, max-age=86400";

/// The theme's colours, as in `index.html`.
pub const THEME_COLOR: &str = "#1d4e89";
pub const BACKGROUND_COLOR: &str = "#f3f5f8";

/// The PNG icons: path, side in pixels, how they are drawn.
pub const PNG_ICONS: [(&str, u32, Style); 6] = [
    ("/icons/icon-192.png", 192, Style::ANY),
    ("/icons/icon-512.png", 512, Style::ANY),
    ("/icons/maskable-192.png", 192, Style::MASKABLE),
    ("/icons/maskable-512.png", 512, Style::MASKABLE),
    ("/icons/apple-touch-icon.png", 180, Style::APPLE),
    ("/icons/favicon-32.png", 32, Style::SMALL),
];
/// The icon as SVG.
pub const SVG_ICON: &str = "/icons/icon.svg";

/// Every icon file: path and content.
pub fn icons() -> anyhow::Result<Vec<(&'static str, Vec<u8>)>> {
    let mut out = Vec::with_capacity(PNG_ICONS.len() + 1);
    for (path, size, style) in PNG_ICONS {
        out.push((path, icon::png(size, style)?));
    }
    out.push((SVG_ICON, icon::svg().into_bytes()));
    Ok(out)
}

/// The languages of the manifest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    Fr,
    En,
}

impl Lang {
    /// From the manifest's query string: `lang=en` (or `en-…`) is English,
    /// anything else French.
    pub fn from_query(query: Option<&str>) -> Lang {
        let english = query.is_some_and(|q| {
            q.split('&').any(|p| {
                p.strip_prefix("lang=")
                    .is_some_and(|v| v == "en" || v.starts_with("en-") || v.starts_with("en_"))
            })
        });
        if english { Lang::En } else { Lang::Fr }
    }
}

/// The web app manifest.
pub fn manifest(brand: &str, lang: Lang) -> String {
    let (code, description, new_message, write, contacts, calendar) = match lang {
        Lang::Fr => (
            "fr",
            "Votre messagerie : lisez, écrivez et classez vos courriels, même hors connexion.",
            "Nouveau message",
            "Écrire",
            "Contacts",
            "Agenda",
        ),
        Lang::En => (
            "en",
            "Your webmail: read, write and sort your mail, even offline.",
            "New message",
            "Write",
            "Contacts",
            "Calendar",
        ),
    };
    let png = |src: &str, size: u32, purpose: &str| {
        json!({
            "src": src,
            "sizes": format!("{size}x{size}"),
            "type": "image/png",
            "purpose": purpose,
        })
    };
    let value = json!({
        "id": "/",
        "name": brand,
        "short_name": brand,
        "description": description,
        "lang": code,
        "dir": "ltr",
        "start_url": "/mail/INBOX",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "categories": ["productivity", "business"],
        "icons": [
            png("/icons/icon-192.png", 192, "any"),
            png("/icons/icon-512.png", 512, "any"),
            png("/icons/maskable-192.png", 192, "maskable"),
            png("/icons/maskable-512.png", 512, "maskable"),
            { "src": SVG_ICON, "sizes": "any", "type": "image/svg+xml", "purpose": "any" },
        ],
        // `%s` is the whole `mailto:` URL; the compose page reads `?to=`.
        "protocol_handlers": [{ "protocol": "mailto", "url": "/compose?to=%s" }],
        "shortcuts": [
            {
                "name": new_message,
                "short_name": write,
                "url": "/compose",
                "icons": [png("/icons/icon-192.png", 192, "any")],
            },
            {
                "name": contacts,
                "url": "/contacts",
                "icons": [png("/icons/icon-192.png", 192, "any")],
            },
            {
                "name": calendar,
                "url": "/calendar",
                "icons": [png("/icons/icon-192.png", 192, "any")],
            },
        ],
    });
    let mut out = serde_json::to_string_pretty(&value).unwrap_or_default();
    out.push('\n');
    out
}

/// The version of a build: a hash of every file (path and content), the
/// worker's own text and the icons, so that any change gives a new worker.
/// `files` must be sorted by path.
pub fn version<'a>(files: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> String {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    let mut part = |bytes: &[u8]| {
        ctx.update(&(bytes.len() as u64).to_be_bytes());
        ctx.update(bytes);
    };
    part(SW_TEMPLATE.as_bytes());
    for (path, content) in files {
        part(path.as_bytes());
        part(content);
    }
    ctx.finish().as_ref()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The service worker of a build: its constants, then [`SW_TEMPLATE`].
/// `shell` lists the URLs to precache; `bundles` maps the first segment of
/// an app route to its page; `asset_extensions` are those of files.
pub fn service_worker(
    version: &str,
    shell: &[String],
    bundles: &[(&str, &str)],
    asset_extensions: &[&str],
) -> String {
    // JSON is JavaScript: strings come out quoted and escaped.
    let js = |v: serde_json::Value| v.to_string();
    format!(
        "'use strict';\n// Written by Facteur's backend at start.\nconst VERSION = {};\nconst SHELL = {};\nconst BUNDLES = {};\nconst ASSET_EXTENSIONS = {};\n\n{SW_TEMPLATE}",
        js(json!(version)),
        serde_json::to_string_pretty(shell).unwrap_or_else(|_| "[]".into()),
        js(json!(bundles)),
        js(json!(asset_extensions)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manifest_describes_the_app_in_french() {
        let m: serde_json::Value = serde_json::from_str(&manifest("Académie", Lang::Fr)).unwrap();
        assert_eq!(m["name"], "Académie");
        assert_eq!(m["short_name"], "Académie");
        assert_eq!(m["lang"], "fr");
        assert_eq!(m["dir"], "ltr");
        assert!(
            m["description"]
                .as_str()
                .unwrap()
                .contains("hors connexion")
        );
        assert_eq!(m["start_url"], "/mail/INBOX");
        assert_eq!(m["scope"], "/");
        assert_eq!(m["id"], "/");
        assert_eq!(m["display"], "standalone");
        assert_eq!(m["theme_color"], "#1d4e89");
        assert_eq!(m["background_color"], "#f3f5f8");
        let icons = m["icons"].as_array().unwrap();
        for (size, purpose) in [
            (192, "any"),
            (512, "any"),
            (192, "maskable"),
            (512, "maskable"),
        ] {
            assert!(
                icons.iter().any(|i| i["sizes"] == format!("{size}x{size}")
                    && i["purpose"] == purpose
                    && i["type"] == "image/png"),
                "{size} {purpose}"
            );
        }
        assert!(icons.iter().any(|i| i["type"] == "image/svg+xml"));
        // Every icon it names is one we serve.
        let served: Vec<&str> = PNG_ICONS.iter().map(|i| i.0).chain([SVG_ICON]).collect();
        for i in icons {
            assert!(served.contains(&i["src"].as_str().unwrap()));
        }
        assert_eq!(
            m["protocol_handlers"],
            json!([{ "protocol": "mailto", "url": "/compose?to=%s" }])
        );
        let shortcuts = m["shortcuts"].as_array().unwrap();
        assert_eq!(shortcuts[0]["name"], "Nouveau message");
        assert_eq!(shortcuts[0]["url"], "/compose");
        assert_eq!(shortcuts[1]["name"], "Contacts");
        assert_eq!(shortcuts[1]["url"], "/contacts");
        assert_eq!(shortcuts[2]["name"], "Agenda");
        assert_eq!(shortcuts[2]["url"], "/calendar");
    }

    #[test]
    fn the_manifest_speaks_english_when_asked() {
        assert_eq!(Lang::from_query(Some("lang=en")), Lang::En);
        assert_eq!(Lang::from_query(Some("x=1&lang=en-GB")), Lang::En);
        assert_eq!(Lang::from_query(Some("lang=fr")), Lang::Fr);
        assert_eq!(Lang::from_query(Some("lang=english-ish")), Lang::Fr);
        assert_eq!(Lang::from_query(None), Lang::Fr);
        let fr: serde_json::Value = serde_json::from_str(&manifest("Facteur", Lang::Fr)).unwrap();
        let en: serde_json::Value = serde_json::from_str(&manifest("Facteur", Lang::En)).unwrap();
        assert_eq!(en["lang"], "en");
        assert_eq!(en["name"], "Facteur");
        assert_eq!(en["shortcuts"][0]["name"], "New message");
        assert!(en["description"].as_str().unwrap().contains("offline"));
        // Everything else is the same.
        for key in [
            "id",
            "start_url",
            "scope",
            "display",
            "icons",
            "protocol_handlers",
            "theme_color",
            "background_color",
        ] {
            assert_eq!(fr[key], en[key], "{key}");
        }
    }

    #[test]
    fn every_icon_is_a_png_of_its_size() {
        for (path, content) in icons().unwrap() {
            if path.ends_with(".svg") {
                assert!(content.starts_with(b"<svg"));
                continue;
            }
            let size = PNG_ICONS.iter().find(|i| i.0 == path).unwrap().1;
            assert_eq!(&content[..8], &png::SIGNATURE, "{path}");
            assert_eq!(&content[12..16], b"IHDR");
            assert_eq!(
                u32::from_be_bytes(content[16..20].try_into().unwrap()),
                size
            );
            assert_eq!(
                u32::from_be_bytes(content[20..24].try_into().unwrap()),
                size
            );
            // Flat colours compress well.
            assert!(
                content.len() < (size * size) as usize,
                "{path}: {}",
                content.len()
            );
        }
    }

    #[test]
    fn the_version_follows_every_file() {
        let a = version([("/index.html", &b"a"[..]), ("/x.js", b"b")]);
        assert_eq!(a.len(), 16);
        assert_eq!(a, version([("/index.html", &b"a"[..]), ("/x.js", b"b")]));
        assert_ne!(a, version([("/index.html", &b"a"[..]), ("/x.js", b"c")]));
        assert_ne!(a, version([("/index.html", &b"a"[..]), ("/y.js", b"b")]));
        assert_ne!(a, version([("/index.html", &b"ab"[..]), ("/x.js", b"")]));
    }
}
