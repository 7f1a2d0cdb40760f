//! `rel intro WHO|--org ORG`: who in the journal can introduce you, and through whom. Two
//! contacts are linked when one introduced the other (`via`) or they share an interaction; a
//! path starts at someone you have touched and ends at the target, strongest first.

use super::Ctx;
use crate::cli::IntroArgs;
use crate::db::accounts;
use crate::db::intro::{self, Link, Node};
use crate::db::owner::OwnerFilter;
use crate::db::who;
use crate::error::Result;
use crate::output::{ListRow, Listing, Tone, rfc3339_opt};
use chrono::DateTime;
use serde_json::{Value, json};
use std::collections::{BTreeSet, HashMap, HashSet};

const DEFAULT_LIMIT: usize = 5;
/// A `via` link counts as 3 recent shared interactions.
const VIA_WEIGHT: f64 = 3.0;
/// Knowing the target well: this many touches with them in the last year.
const KNOWN_TOUCHES: i64 = 3;
/// Enough paths for any screen, however dense the graph (a meeting of 15 links everyone).
const MAX_PATHS: usize = 100_000;
/// And a bound on the walk itself: at depth 4 through people who met hundreds of others, the
/// simple paths number in the billions; the search stops after this many steps.
const MAX_STEPS: usize = 2_000_000;

/// A link between two people, both directions merged.
#[derive(Debug, Clone, Default)]
struct Edge {
    shared: i64,
    last: Option<i64>,
    recent: f64,
    via: bool,
}

impl Edge {
    fn strength(&self) -> f64 {
        self.recent + if self.via { VIA_WEIGHT } else { 0.0 }
    }
}

struct Path {
    people: Vec<i64>,
    strength: f64,
    standing: f64,
    handles: Vec<String>,
}

pub fn run(ctx: &Ctx, args: IntroArgs) -> Result<()> {
    let db = ctx.open()?;
    let _snapshot = db.snapshot()?;
    let conn = db.conn();
    let now = ctx.now_unix();
    let me = crate::sync::settings::member(conn)?;
    let (label, targets): (String, Vec<i64>) = match (&args.who, &args.org) {
        (Some(text), _) => {
            let contact = who::resolve(conn, text)?;
            (contact.handle, vec![contact.id])
        }
        (None, Some(org)) => {
            let spellings = super::accounts::resolve(&accounts::spellings(conn)?, org)?;
            let people = accounts::people(conn, None, Some(&spellings), &OwnerFilter::Anyone)?;
            let label = people.first().map_or(org.clone(), |p| p.org.clone());
            (label, people.iter().map(|p| p.id).collect())
        }
        (None, None) => unreachable!("clap requires WHO or --org"),
    };
    // Knowing the target well is answered before any search.
    let target_nodes: HashMap<i64, Node> = intro::nodes(conn, &targets, me.as_deref())?
        .into_iter()
        .map(|n| (n.id, n))
        .collect();
    let known: Vec<(&str, i64)> = intro::standing(conn, &targets, now, me.as_deref())?
        .into_iter()
        .filter(|s| s.touches_last_year >= KNOWN_TOUCHES)
        .filter_map(|s| {
            Some((
                target_nodes.get(&s.id)?.handle.as_str(),
                s.touches_last_year,
            ))
        })
        .collect();
    if !known.is_empty() {
        return print_known(ctx, &label, &known);
    }
    let depth = usize::from(args.depth);
    // Breadth first from the targets: the links of everyone within depth − 1 are every link
    // a path of at most `depth` links can use. One query per level.
    let mut edges: HashMap<(i64, i64), Edge> = HashMap::new();
    let mut seen: HashSet<i64> = targets.iter().copied().collect();
    let mut frontier: Vec<i64> = targets.clone();
    for _ in 0..depth {
        if frontier.is_empty() {
            break;
        }
        let mut next = Vec::new();
        for link in intro::links(conn, &frontier, now)? {
            merge(&mut edges, &link);
            if seen.insert(link.to) {
                next.push(link.to);
            }
        }
        frontier = next;
    }
    let ids: Vec<i64> = seen.iter().copied().collect();
    let nodes: HashMap<i64, Node> = intro::nodes(conn, &ids, me.as_deref())?
        .into_iter()
        .map(|n| (n.id, n))
        .collect();
    let mut paths = search(&targets, &edges, &nodes, depth);
    let limit = match args.limit {
        Some(0) => usize::MAX,
        Some(n) => n,
        None => DEFAULT_LIMIT,
    };
    // Your standing with a path's first person only breaks ties of strength, so only the
    // paths at least as strong as the limit-th strongest can be printed, and only their first
    // people's touches are read.
    paths.sort_by(|a, b| b.strength.total_cmp(&a.strength));
    if let Some(weakest) = paths.get(limit.saturating_sub(1)).map(|p| p.strength)
        && paths.len() > limit
    {
        paths.retain(|p| p.strength.total_cmp(&weakest).is_ge());
    }
    let firsts: Vec<i64> = paths
        .iter()
        .map(|p| p.people[0])
        .collect::<BTreeSet<i64>>()
        .into_iter()
        .collect();
    let recency: HashMap<i64, f64> = intro::standing(conn, &firsts, now, me.as_deref())?
        .into_iter()
        .map(|s| (s.id, s.recency))
        .collect();
    for path in &mut paths {
        let first = path.people[0];
        let trust = nodes.get(&first).map_or(0, |n| n.trust);
        path.standing = recency.get(&first).copied().unwrap_or(0.0) + trust as f64;
    }
    paths.sort_by(|a, b| {
        b.strength
            .total_cmp(&a.strength)
            .then(b.standing.total_cmp(&a.standing))
            .then(a.handles.cmp(&b.handles))
    });
    paths.truncate(limit);
    if paths.is_empty() {
        eprintln!(
            "rel: no path to {label} within {depth} links: nobody you know is linked to them"
        );
    }
    print_paths(ctx, &label, &paths, &edges, &nodes, me.is_some())
}

fn key(a: i64, b: i64) -> (i64, i64) {
    (a.min(b), a.max(b))
}

fn merge(edges: &mut HashMap<(i64, i64), Edge>, link: &Link) {
    let edge = edges.entry(key(link.from, link.to)).or_default();
    if link.via {
        edge.via = true;
    } else {
        // Each pair's shared interactions arrive once per side searched: keep one count.
        edge.shared = edge.shared.max(link.shared);
        edge.last = edge.last.max(link.last);
        edge.recent = edge.recent.max(link.recent);
    }
}

/// Every simple path of 1..=depth links from someone you touched to a target, through active
/// people who are not themselves targets (a path through another target reaches it sooner).
fn search(
    targets: &[i64],
    edges: &HashMap<(i64, i64), Edge>,
    nodes: &HashMap<i64, Node>,
    depth: usize,
) -> Vec<Path> {
    let mut adjacent: HashMap<i64, Vec<i64>> = HashMap::new();
    for (a, b) in edges.keys() {
        adjacent.entry(*a).or_default().push(*b);
        adjacent.entry(*b).or_default().push(*a);
    }
    for list in adjacent.values_mut() {
        list.sort_unstable();
    }
    let target_set: HashSet<i64> = targets.iter().copied().collect();
    let usable = |id: i64| !target_set.contains(&id) && nodes.get(&id).is_some_and(|n| !n.archived);
    let mut paths = Vec::new();
    // Walked from the target backwards: `trail` is [target, …, current].
    let mut trail: Vec<i64> = Vec::new();
    let mut steps = 0usize;
    fn walk(
        trail: &mut Vec<i64>,
        depth: usize,
        adjacent: &HashMap<i64, Vec<i64>>,
        usable: &dyn Fn(i64) -> bool,
        emit: &mut dyn FnMut(&[i64]) -> bool,
    ) -> bool {
        let Some(&here) = trail.last() else {
            return true;
        };
        if trail.len() > depth {
            return true;
        }
        for &next in adjacent.get(&here).map_or(&[][..], Vec::as_slice) {
            if !usable(next) || trail.contains(&next) {
                continue;
            }
            trail.push(next);
            let more = emit(trail) && walk(trail, depth, adjacent, usable, emit);
            trail.pop();
            if !more {
                return false;
            }
        }
        true
    }
    for &target in targets {
        trail.clear();
        trail.push(target);
        let mut emit = |trail: &[i64]| {
            steps += 1;
            if paths.len() >= MAX_PATHS || steps > MAX_STEPS {
                return false;
            }
            let start = trail[trail.len() - 1];
            if !nodes.get(&start).is_some_and(|n| n.touched) {
                return true;
            }
            let people: Vec<i64> = trail.iter().rev().copied().collect();
            let strength = people
                .windows(2)
                .filter_map(|w| edges.get(&key(w[0], w[1])))
                .map(Edge::strength)
                .fold(f64::INFINITY, f64::min);
            let handles = people
                .iter()
                .map(|id| nodes.get(id).map_or(String::new(), |n| n.handle.clone()))
                .collect();
            paths.push(Path {
                people,
                strength,
                // Filled in for the paths that can rank (see `run`).
                standing: 0.0,
                handles,
            });
            true
        };
        if !walk(&mut trail, depth, &adjacent, &usable, &mut emit) {
            break;
        }
    }
    paths
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn month(at: Option<i64>) -> String {
    at.and_then(|t| DateTime::from_timestamp(t, 0))
        .map(|t| t.with_timezone(&chrono::Local).format("%b %Y").to_string())
        .unwrap_or_default()
}

/// Why two people are linked, in words.
fn reason(from: &Node, to: &Node, edge: &Edge) -> String {
    let mut words = Vec::new();
    if edge.via {
        // Said with both names: "introduced by" alone leaves open who introduced whom.
        if to.via == Some(from.id) {
            words.push(format!("{} introduced {}", from.handle, to.handle));
        } else {
            words.push(format!("{} introduced {}", to.handle, from.handle));
        }
    }
    if edge.shared > 0 {
        words.push(format!(
            "met {}× together, last {}",
            edge.shared,
            month(edge.last)
        ));
    }
    words.join("; ")
}

fn print_paths(
    ctx: &Ctx,
    label: &str,
    paths: &[Path],
    edges: &HashMap<(i64, i64), Edge>,
    nodes: &HashMap<i64, Node>,
    team: bool,
) -> Result<()> {
    let node = |id: &i64| nodes.get(id);
    let json_paths: Vec<Value> = paths
        .iter()
        .map(|p| {
            let hops: Vec<Value> = p
                .people
                .windows(2)
                .map(|w| {
                    let edge = edges.get(&key(w[0], w[1])).cloned().unwrap_or_default();
                    let (from, to) = (node(&w[0]), node(&w[1]));
                    json!({
                        "from": from.map(|n| n.handle.clone()),
                        "to": to.map(|n| n.handle.clone()),
                        "via": edge.via,
                        "shared": edge.shared,
                        "last": rfc3339_opt(edge.last),
                        "why": match (from, to) {
                            (Some(f), Some(t)) => reason(f, t, &edge),
                            _ => String::new(),
                        },
                    })
                })
                .collect();
            let owners: Vec<Value> = p
                .people
                .iter()
                .map(|id| json!(node(id).and_then(|n| n.owner.clone())))
                .collect();
            json!({
                "people": p.handles,
                "owners": owners,
                "strength": round2(p.strength),
                "hops": hops,
            })
        })
        .collect();
    if ctx.out.is_json() {
        let record = json!({"target": label, "known": false, "paths": json_paths});
        ctx.out.json_record(&record)?;
        return Ok(());
    }
    let rows = paths
        .iter()
        .zip(&json_paths)
        .map(|(p, j)| {
            let shown: Vec<String> = p
                .people
                .iter()
                .map(|id| match node(id) {
                    Some(n) if team => match &n.owner {
                        Some(owner) => format!("{} ({owner})", n.handle),
                        None => n.handle.clone(),
                    },
                    Some(n) => n.handle.clone(),
                    None => String::new(),
                })
                .collect();
            let why: Vec<String> = j["hops"]
                .as_array()
                .map(|hops| {
                    hops.iter()
                        .map(|h| h["why"].as_str().unwrap_or_default().to_string())
                        .collect()
                })
                .unwrap_or_default();
            let strength = format!("{:.2}", round2(p.strength));
            ListRow {
                json: Value::Null,
                plain: vec![shown.join(" → "), strength.clone(), why.join("; ")],
                pretty: vec![
                    (shown.join(" → "), Tone::Plain),
                    (strength, Tone::Plain),
                    (why.join("; "), Tone::Plain),
                ],
            }
        })
        .collect();
    ctx.out
        .list(&Listing::new(&["path", "strength", "why"], rows), "")
}

/// `known`: each target you know well (handle, your touches with them in the last year).
fn print_known(ctx: &Ctx, label: &str, known: &[(&str, i64)]) -> Result<()> {
    let handles: BTreeSet<&str> = known.iter().map(|(handle, _)| *handle).collect();
    if ctx.out.is_json() {
        let record = json!({
            "target": label,
            "known": true,
            "know": handles,
            "paths": [],
        });
        ctx.out.json_record(&record)?;
        return Ok(());
    }
    let who: Vec<String> = known
        .iter()
        .map(|(handle, touches)| format!("{handle} yourself ({touches} touches in the last year)"))
        .collect();
    ctx.out.note(&format!(
        "you know {}: no introduction needed",
        who.join(", ")
    ))
}
