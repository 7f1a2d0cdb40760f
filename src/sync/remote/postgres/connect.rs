//! Opening a PostgreSQL connection from a libpq-style string: defaults from the environment
//! (as libpq), the password from the string, `PGPASSWORD` or the password file, TLS as
//! `sslmode` asks, and failures turned into one `rel: …` line (exit 1).

use super::conninfo::ConnInfo;
use super::pass;
use super::tls::{self, SslMode};
use crate::error::{Error, Result};
use postgres::config::SslMode as WireSslMode;
use postgres::{Client, Config};
use std::path::PathBuf;
use std::time::Duration;
use tokio_postgres_rustls::MakeRustlsConnect;

/// A server that does not answer within this long is "unreachable" rather than a hang.
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(15);

/// Where the server is, for messages: the first host (or socket folder) and port.
#[derive(Debug, Clone)]
pub struct Endpoint {
    pub host: String,
    pub port: u16,
    pub user: String,
    pub dbname: String,
}

/// Connects as the string says. Usage errors (a malformed string) are exit 2; everything the
/// server or the network refuses is exit 1.
pub fn connect(text: &str) -> Result<(Client, Endpoint)> {
    let info = ConnInfo::parse(text)?;
    let (config, endpoint, mode, root_cert) = build_config(&info)?;
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let tls = tls::client_config(mode, root_cert.as_deref(), home.as_deref())?;
    let client = config
        .connect(MakeRustlsConnect::new(tls))
        .map_err(|err| connect_error(&err, &endpoint))?;
    Ok((client, endpoint))
}

fn build_config(info: &ConnInfo) -> Result<(Config, Endpoint, SslMode, Option<String>)> {
    let mut config = Config::new();
    let hosts: Vec<String> = match info.get("host") {
        Some(list) => list.split(',').map(str::to_string).collect(),
        None if info.get("hostaddr").is_some() => Vec::new(),
        None => vec![default_socket_dir()],
    };
    for host in &hosts {
        if host.is_empty() {
            config.host_path(default_socket_dir());
        } else if host.starts_with('/') {
            config.host_path(host);
        } else {
            config.host(host);
        }
    }
    if let Some(list) = info.get("hostaddr") {
        for addr in list.split(',') {
            let ip = addr.parse().map_err(|_| {
                Error::usage(format!("invalid hostaddr '{addr}'")).with_hint("give an IP address")
            })?;
            config.hostaddr(ip);
        }
    }
    let mut ports = Vec::new();
    for port in info.get("port").unwrap_or_default().split(',') {
        let port = if port.is_empty() {
            5432
        } else {
            port.parse::<u16>()
                .map_err(|_| Error::usage(format!("invalid port '{port}'")))?
        };
        ports.push(port);
        config.port(port);
    }
    let user = info.get("user").unwrap_or_else(os_user);
    let dbname = info.get("dbname").unwrap_or_else(|| user.clone());
    config.user(&user).dbname(&dbname);
    config.application_name(&info.get("application_name").unwrap_or("rel".to_string()));
    if let Some(options) = info.get("options") {
        config.options(&options);
    }
    let timeout = match info.get("connect_timeout") {
        Some(secs) => Duration::from_secs(
            secs.parse::<u64>()
                .map_err(|_| Error::usage(format!("invalid connect_timeout '{secs}'")))?
                .max(2),
        ),
        None => DEFAULT_CONNECT_TIMEOUT,
    };
    config.connect_timeout(timeout);
    let endpoint = Endpoint {
        host: hosts.first().cloned().unwrap_or_else(|| {
            info.get("hostaddr")
                .unwrap_or_default()
                .split(',')
                .next()
                .unwrap_or_default()
                .to_string()
        }),
        port: ports.first().copied().unwrap_or(5432),
        user: user.clone(),
        dbname: dbname.clone(),
    };
    if let Some(password) = info
        .get("password")
        .or_else(|| password_file(info, &endpoint))
    {
        config.password(password);
    }
    let mode = SslMode::parse(&info.get("sslmode").unwrap_or("prefer".to_string()))?;
    // PostgreSQL never offers TLS on a Unix socket and libpq ignores sslmode there.
    let all_sockets = !hosts.is_empty()
        && info.get("hostaddr").is_none()
        && hosts.iter().all(|h| h.is_empty() || h.starts_with('/'));
    config.ssl_mode(match mode {
        _ if all_sockets => WireSslMode::Disable,
        SslMode::Disable => WireSslMode::Disable,
        SslMode::Allow | SslMode::Prefer => WireSslMode::Prefer,
        SslMode::Require | SslMode::VerifyCa | SslMode::VerifyFull => WireSslMode::Require,
    });
    Ok((config, endpoint, mode, info.get("sslrootcert")))
}

/// The password file: `passfile`, `PGPASSFILE`, else `~/.pgpass`.
fn password_file(info: &ConnInfo, endpoint: &Endpoint) -> Option<String> {
    let path = match info.get("passfile") {
        Some(path) => PathBuf::from(path),
        None => PathBuf::from(std::env::var_os("HOME")?).join(".pgpass"),
    };
    let host = if endpoint.host.is_empty() {
        default_socket_dir()
    } else {
        endpoint.host.clone()
    };
    pass::lookup(
        &path,
        &pass::Target {
            host: &host,
            port: endpoint.port,
            dbname: &endpoint.dbname,
            user: &endpoint.user,
        },
    )
}

/// Debian's libpq looks in /var/run/postgresql; upstream's in /tmp.
fn default_socket_dir() -> String {
    if std::path::Path::new("/var/run/postgresql").is_dir() {
        "/var/run/postgresql".to_string()
    } else {
        "/tmp".to_string()
    }
}

/// libpq's default user: the operating-system user running us.
fn os_user() -> String {
    for var in ["USER", "LOGNAME"] {
        if let Ok(name) = std::env::var(var)
            && !name.is_empty()
        {
            return name;
        }
    }
    // SAFETY: getpwuid returns a pointer into static storage or null; we copy the name out at
    // once and rel has no other thread calling it.
    unsafe {
        let pw = libc::getpwuid(libc::geteuid());
        if !pw.is_null() && !(*pw).pw_name.is_null() {
            return std::ffi::CStr::from_ptr((*pw).pw_name)
                .to_string_lossy()
                .into_owned();
        }
    }
    "postgres".to_string()
}

/// One line for a failed connection: refused logins, a missing database, an unreachable server.
pub fn connect_error(err: &postgres::Error, at: &Endpoint) -> Error {
    let place = format!("{}:{}", at.host, at.port);
    if let Some(db) = err.as_db_error() {
        let code = db.code().code();
        return match code {
            "28P01" | "28000" => Error::runtime(format!(
                "PostgreSQL at {place} refused the login of role '{}': {}",
                at.user,
                db.message()
            ))
            .with_hint("check the password (in the URL, PGPASSWORD or ~/.pgpass) and pg_hba.conf"),
            "3D000" => Error::runtime(format!(
                "PostgreSQL at {place} has no database '{}'",
                at.dbname
            )),
            _ => query_error(err),
        };
    }
    let cause = detail(err);
    if cause.contains("password missing") {
        return Error::runtime(format!(
            "PostgreSQL at {place} asks for a password for role '{}'",
            at.user
        ))
        .with_hint("give it in the URL, PGPASSWORD or ~/.pgpass (mode 0600)");
    }
    Error::runtime(format!("cannot reach PostgreSQL at {place}: {cause}"))
        .with_hint("check the host, port and that the server is running")
}

/// A failure after connecting (a refused statement, a lost connection).
pub fn query_error(err: &postgres::Error) -> Error {
    if let Some(db) = err.as_db_error() {
        let mut error = Error::runtime(format!("PostgreSQL: {}", db.message()));
        if db.code().code() == "42501" {
            error = error.with_hint("ask the database's owner to run 'rel team grant URL ROLE'");
        } else if db.code().code() == "RL403" {
            // rel's binding trigger: this journal's replica was first pushed by another role.
            error = error.with_hint(
                "a replica belongs to the role that first pushed it: sync this journal as that role",
            );
        } else if let Some(hint) = db.hint() {
            error = error.with_hint(hint.to_string());
        }
        return error;
    }
    if err.is_closed() {
        return Error::runtime("the connection to PostgreSQL was lost; nothing was changed here")
            .with_hint("run 'rel sync' again");
    }
    Error::runtime(format!("PostgreSQL: {}", detail(err)))
}

/// The innermost cause, which says what actually happened ("Connection refused").
fn detail(err: &postgres::Error) -> String {
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        text = cause.to_string();
        source = cause.source();
    }
    text
}
