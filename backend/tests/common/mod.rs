//! Helpers shared by the integration tests that run against the real
//! servers started by `tests/servers.sh start`.

#![allow(dead_code)]

use std::path::PathBuf;

/// Reads the servers' environment file written by `tests/servers.sh start`;
/// a variable already set in the environment wins.
pub fn server_env(key: &str) -> String {
    if let Ok(v) = std::env::var(key) {
        return v;
    }
    let run = std::env::var("FACTEUR_RUN_DIR").unwrap_or_else(|_| "/tmp/facteur-run".into());
    let file = PathBuf::from(&run).join("env");
    let text = std::fs::read_to_string(&file).unwrap_or_else(|_| {
        panic!(
            "the test servers are not running ({} missing): start them with `tests/servers.sh start`",
            file.display()
        )
    });
    text.lines()
        .filter_map(|l| l.strip_prefix("export "))
        .filter_map(|l| l.split_once('='))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v.trim_matches('"').to_string())
        .unwrap_or_else(|| panic!("{key} not in {}", file.display()))
}
