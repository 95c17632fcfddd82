//! TLS for every outgoing connection: the public web roots plus, when
//! configured, the organisation's own certificate authority. Certificates
//! are always verified; there is no "trust all" switch.

use std::{path::Path, sync::Arc};

use anyhow::Context;
use rustls_pki_types::{CertificateDer, pem::PemObject};
use tokio_rustls::{
    TlsConnector,
    rustls::{ClientConfig, RootCertStore, crypto::ring},
};

/// Builds the connector shared by the IMAP, SMTP and Sieve adapters.
pub fn connector(ca_file: Option<&Path>) -> anyhow::Result<TlsConnector> {
    let mut roots = RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(path) = ca_file {
        let mut added = 0;
        for cert in CertificateDer::pem_file_iter(path)
            .with_context(|| format!("lecture du fichier d'autorités {}", path.display()))?
        {
            let cert =
                cert.with_context(|| format!("certificat illisible dans {}", path.display()))?;
            roots
                .add(cert)
                .with_context(|| format!("certificat refusé dans {}", path.display()))?;
            added += 1;
        }
        if added == 0 {
            anyhow::bail!("aucun certificat dans {}", path.display());
        }
    }
    let config = ClientConfig::builder_with_provider(Arc::new(ring::default_provider()))
        .with_safe_default_protocol_versions()
        .context("versions TLS")?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(TlsConnector::from(Arc::new(config)))
}
