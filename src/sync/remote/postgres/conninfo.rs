//! PostgreSQL connection strings as libpq takes them: a URL (`postgresql://alice:pw@db/crm?
//! sslmode=require`) or `key=value` words (`host=/run/postgresql dbname=crm`), with libpq's
//! environment defaults (`PGHOST`, `PGUSER`, `PGPASSWORD`…). Parsed here rather than by
//! `tokio_postgres::Config` because that one knows neither `verify-ca`/`verify-full`,
//! `sslrootcert`, `passfile` nor the environment, and we need each value to find a password.

use crate::error::{Error, Result};
use std::collections::BTreeMap;

/// The keywords rel understands, with the environment variable libpq reads for each.
const KEYWORDS: &[(&str, Option<&str>)] = &[
    ("host", Some("PGHOST")),
    ("hostaddr", Some("PGHOSTADDR")),
    ("port", Some("PGPORT")),
    ("dbname", Some("PGDATABASE")),
    ("user", Some("PGUSER")),
    ("password", Some("PGPASSWORD")),
    ("passfile", Some("PGPASSFILE")),
    ("sslmode", Some("PGSSLMODE")),
    ("sslrootcert", Some("PGSSLROOTCERT")),
    ("connect_timeout", Some("PGCONNECT_TIMEOUT")),
    ("application_name", Some("PGAPPNAME")),
    ("options", Some("PGOPTIONS")),
];

/// A parsed connection string: keyword → value, exactly as written (environment not applied).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConnInfo {
    pub params: BTreeMap<String, String>,
}

impl ConnInfo {
    /// Parses a URL or `key=value` connection string. Unknown keywords are a usage error, as
    /// they are for libpq.
    pub fn parse(text: &str) -> Result<ConnInfo> {
        let trimmed = text.trim();
        let pairs = if let Some(rest) = strip_scheme(trimmed) {
            parse_url(rest)?
        } else {
            parse_keywords(trimmed)?
        };
        let mut params = BTreeMap::new();
        for (key, value) in pairs {
            if !KEYWORDS.iter().any(|(k, _)| *k == key) {
                return Err(Error::usage(format!(
                    "unknown PostgreSQL connection option '{key}'"
                ))
                .with_hint(
                    "rel knows host, hostaddr, port, dbname, user, password, passfile, sslmode, \
                     sslrootcert, connect_timeout, application_name, options",
                ));
            }
            params.insert(key, value);
        }
        Ok(ConnInfo { params })
    }

    /// The value of `key`: from the string, else from libpq's environment variable for it.
    pub fn get(&self, key: &str) -> Option<String> {
        if let Some(value) = self.params.get(key) {
            return Some(value.clone());
        }
        let var = KEYWORDS.iter().find(|(k, _)| *k == key)?.1?;
        std::env::var(var).ok().filter(|v| !v.is_empty())
    }

    /// The connection string as given, or with its password hidden when it has one.
    pub fn redacted(text: &str) -> String {
        match ConnInfo::parse(text) {
            Ok(info) if !info.params.contains_key("password") => text.to_string(),
            Ok(info) => info
                .params
                .iter()
                .map(|(k, v)| {
                    if k == "password" {
                        format!("{k}=***")
                    } else {
                        format!("{k}={}", quote(v))
                    }
                })
                .collect::<Vec<_>>()
                .join(" "),
            Err(_) => "(unparseable connection string)".to_string(),
        }
    }
}

fn strip_scheme(text: &str) -> Option<&str> {
    text.strip_prefix("postgresql://")
        .or_else(|| text.strip_prefix("postgres://"))
}

/// Quotes a value for `key=value` form when it needs it.
fn quote(value: &str) -> String {
    if !value.is_empty() && !value.contains([' ', '\'', '\\', '\t', '\n']) {
        return value.to_string();
    }
    let escaped = value.replace('\\', "\\\\").replace('\'', "\\'");
    format!("'{escaped}'")
}

/// `key = value` words; a value may be single-quoted, and `\` escapes the next character.
fn parse_keywords(text: &str) -> Result<Vec<(String, String)>> {
    let mut pairs = Vec::new();
    let mut chars = text.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.peek().is_none() {
            return Ok(pairs);
        }
        let mut key = String::new();
        while let Some(&c) = chars.peek() {
            if c == '=' || c.is_whitespace() {
                break;
            }
            key.push(c);
            chars.next();
        }
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.next() != Some('=') {
            return Err(malformed(format!("'{key}' has no '=value'")));
        }
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let mut value = String::new();
        if chars.peek() == Some(&'\'') {
            chars.next();
            loop {
                match chars.next() {
                    None => return Err(malformed("unterminated quoted value".to_string())),
                    Some('\'') => break,
                    Some('\\') => value.extend(chars.next()),
                    Some(c) => value.push(c),
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                chars.next();
                if c == '\\' {
                    value.extend(chars.next());
                } else {
                    value.push(c);
                }
            }
        }
        pairs.push((key, value));
    }
}

/// `[user[:password]@][host][:port][,host[:port]…][/dbname][?key=value&…]`, percent-decoded.
fn parse_url(rest: &str) -> Result<Vec<(String, String)>> {
    let mut pairs = Vec::new();
    let (before_query, query) = match rest.split_once('?') {
        Some((a, b)) => (a, Some(b)),
        None => (rest, None),
    };
    let (authority, dbname) = match before_query.split_once('/') {
        Some((a, b)) => (a, Some(b)),
        None => (before_query, None),
    };
    let hosts_part = match authority.rsplit_once('@') {
        Some((userinfo, hosts)) => {
            let (user, password) = match userinfo.split_once(':') {
                Some((u, p)) => (u, Some(p)),
                None => (userinfo, None),
            };
            if !user.is_empty() {
                pairs.push(("user".to_string(), percent_decode(user)?));
            }
            if let Some(password) = password {
                pairs.push(("password".to_string(), percent_decode(password)?));
            }
            hosts
        }
        None => authority,
    };
    if !hosts_part.is_empty() {
        let mut hosts = Vec::new();
        let mut ports = Vec::new();
        for spec in hosts_part.split(',') {
            let (host, port) = split_host_port(spec)?;
            hosts.push(percent_decode(host)?);
            ports.push(port.map(str::to_string).unwrap_or_default());
        }
        pairs.push(("host".to_string(), hosts.join(",")));
        if ports.iter().any(|p| !p.is_empty()) {
            pairs.push(("port".to_string(), ports.join(",")));
        }
    }
    if let Some(dbname) = dbname.filter(|d| !d.is_empty()) {
        pairs.push(("dbname".to_string(), percent_decode(dbname)?));
    }
    for item in query.unwrap_or("").split('&').filter(|s| !s.is_empty()) {
        let Some((key, value)) = item.split_once('=') else {
            return Err(malformed(format!("'{item}' has no '=value'")));
        };
        pairs.push((percent_decode(key)?, percent_decode(value)?));
    }
    Ok(pairs)
}

/// `host:port`, `[v6]:port`, `host` or `:port`.
fn split_host_port(spec: &str) -> Result<(&str, Option<&str>)> {
    if let Some(rest) = spec.strip_prefix('[') {
        let Some((host, after)) = rest.split_once(']') else {
            return Err(malformed(format!("'{spec}' has an unclosed '['")));
        };
        let port = after.strip_prefix(':');
        if !after.is_empty() && port.is_none() {
            return Err(malformed(format!("unexpected text after ']' in '{spec}'")));
        }
        return Ok((host, port));
    }
    Ok(match spec.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (spec, None),
    })
}

fn percent_decode(text: &str) -> Result<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| malformed(format!("bad percent escape in '{text}'")))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| malformed(format!("'{text}' is not UTF-8")))
}

fn malformed(detail: String) -> Error {
    Error::usage(format!("malformed PostgreSQL connection string: {detail}")).with_hint(
        "write it as libpq does: postgresql://alice@db.example/crm or 'host=/run/postgresql dbname=crm'",
    )
}

#[cfg(test)]
mod tests;
