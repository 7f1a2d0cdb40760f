//! TLS for PostgreSQL connections with rustls (no OpenSSL headers at build time), following
//! libpq's `sslmode` meanings: `prefer`/`require` encrypt without checking who answers (libpq
//! does the same unless a root certificate is given), `verify-ca` checks the certificate chain,
//! `verify-full` the chain and the host name. Unix sockets never use TLS (PostgreSQL does not
//! offer it there, and libpq ignores `sslmode` for them).

use crate::error::{Error, Result};
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// libpq's `sslmode` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    Disable,
    Allow,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl SslMode {
    pub fn parse(text: &str) -> Result<SslMode> {
        Ok(match text {
            "disable" => SslMode::Disable,
            "allow" => SslMode::Allow,
            "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            other => {
                return Err(Error::usage(format!("invalid sslmode '{other}'"))
                    .with_hint("use disable, allow, prefer, require, verify-ca or verify-full"));
            }
        })
    }
}

/// The rustls client settings for `mode`. `root_cert` is libpq's `sslrootcert` (a PEM file, or
/// `system` for the system's store); `home` is where `~/.postgresql/root.crt` is looked for.
pub fn client_config(
    mode: SslMode,
    root_cert: Option<&str>,
    home: Option<&Path>,
) -> Result<ClientConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(tls_setup_error)?;
    let default_root = home.map(|h| h.join(".postgresql").join("root.crt"));
    let root_file = root_cert
        .map(PathBuf::from)
        .or_else(|| default_root.filter(|p| p.is_file()));
    // Like libpq: with a root certificate at hand, `require` verifies the chain too.
    let mode = match (mode, &root_file) {
        (SslMode::Require, Some(_)) => SslMode::VerifyCa,
        (mode, _) => mode,
    };
    if !matches!(mode, SslMode::VerifyCa | SslMode::VerifyFull) {
        let verifier = Arc::new(Unverified(provider));
        return Ok(builder
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_no_client_auth());
    }
    let roots = match root_file {
        Some(path) => load_roots(&path)?,
        None => {
            return Err(
                Error::runtime("sslmode verify-ca/verify-full needs a root certificate").with_hint(
                    "put it in ~/.postgresql/root.crt, or add sslrootcert=FILE (or =system)",
                ),
            );
        }
    };
    let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
        .build()
        .map_err(|err| Error::runtime(format!("TLS set-up failed: {err}")))?;
    if mode == SslMode::VerifyFull {
        return Ok(builder
            .dangerous()
            .with_custom_certificate_verifier(webpki)
            .with_no_client_auth());
    }
    Ok(builder
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(ChainOnly(webpki)))
        .with_no_client_auth())
}

fn load_roots(path: &Path) -> Result<RootCertStore> {
    let mut roots = RootCertStore::empty();
    if path == Path::new("system") {
        let native = rustls_native_certs::load_native_certs();
        roots.add_parsable_certificates(native.certs);
    } else {
        let certs = CertificateDer::pem_file_iter(path)
            .and_then(|iter| iter.collect::<std::result::Result<Vec<_>, _>>())
            .map_err(|err| {
                Error::runtime(format!(
                    "cannot read root certificate {}: {err}",
                    path.display()
                ))
            })?;
        roots.add_parsable_certificates(certs);
    }
    if roots.is_empty() {
        return Err(Error::runtime(format!(
            "no usable root certificate in {}",
            path.display()
        )));
    }
    Ok(roots)
}

fn tls_setup_error(err: rustls::Error) -> Error {
    Error::runtime(format!("TLS set-up failed: {err}"))
}

/// `prefer`/`require` without a root certificate: encrypted, but any certificate is taken
/// (the handshake signatures are still checked, so the session key belongs to that certificate).
#[derive(Debug)]
struct Unverified(Arc<CryptoProvider>);

impl ServerCertVerifier for Unverified {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// `verify-ca`: the chain must lead to a trusted root; the name in the certificate may differ.
#[derive(Debug)]
struct ChainOnly(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for ChainOnly {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        match self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
        {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}
