//! Files in a folder remote are not trusted (issue 22, point 8): links are never followed,
//! only regular files of a size rel writes are read (a FIFO, /dev/zero, a 3 GB sparse file),
//! a damaged, truncated or replayed segment is named as such (not taken for a wrong key) and
//! only its replica's later changes wait, a segment deleted from the middle is warned about,
//! and writing through a link is refused with nothing reported sent.

use crate::common::replica as sync_support;

use crate::common::Run as Ran;
use chrono::{DateTime, TimeZone, Utc};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use sync_support::Replica;

fn noon() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0)
        .single()
        .expect("time")
}

/// Two machines on one folder; the laptop has written three segments (one contact each),
/// which the desktop has not read yet.
struct Setup {
    laptop: Replica,
    desktop: Replica,
    _shared: tempfile::TempDir,
    folder: PathBuf,
}

impl Setup {
    fn new() -> Setup {
        let (laptop, desktop) = (Replica::new("laptop"), Replica::new("desktop"));
        let shared = tempfile::tempdir().expect("tempdir");
        let folder = shared.path().join("drive");
        let shown = folder.display().to_string();
        laptop.ok(noon(), &["sync", "init", "--folder", &shown]);
        let key = laptop.ok(noon(), &["sync", "key"]);
        desktop.ok(
            noon(),
            &["sync", "init", "--folder", &shown, "--key", key.trim_end()],
        );
        for name in ["Ann Lee", "Bo Ek", "Cy Oh"] {
            laptop.ok(noon(), &["add", name]);
            laptop.ok(noon(), &["sync"]);
        }
        Setup {
            laptop,
            desktop,
            _shared: shared,
            folder,
        }
    }

    fn id(replica: &Replica) -> String {
        replica.strings("SELECT uuid FROM sync_replicas WHERE n = 1")[0].clone()
    }

    fn dir_of(&self, replica: &Replica) -> PathBuf {
        self.folder.join("rel-sync/v1").join(Self::id(replica))
    }

    /// The laptop's segment files, in order.
    fn segments(&self) -> Vec<PathBuf> {
        let mut files: Vec<(i64, PathBuf)> = std::fs::read_dir(self.dir_of(&self.laptop))
            .expect("laptop folder")
            .flatten()
            .filter_map(|entry| {
                let name = entry.file_name().to_string_lossy().into_owned();
                let first = name.strip_suffix(".seg")?.split('-').next()?.parse().ok()?;
                Some((first, entry.path()))
            })
            .collect();
        files.sort();
        files.into_iter().map(|(_, path)| path).collect()
    }

    /// How the warnings name a file of the laptop's.
    fn shown(&self, file: &Path) -> String {
        let name = file.file_name().expect("name").to_string_lossy();
        format!("rel-sync/v1/{}/{name}", Self::id(&self.laptop))
    }

    fn desktop_handles(&self) -> Vec<String> {
        self.desktop
            .strings("SELECT handle FROM contacts ORDER BY handle")
    }
}

/// Runs `rel sync` as `replica`, failing the test if it takes a minute (a read that blocks).
fn sync_within_a_minute(replica: &Replica) -> Ran {
    let mut child = replica.spawn(noon(), &["sync"]);
    let started = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("rel sync hung");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("output").into()
}

#[test]
fn a_flipped_byte_is_named_as_damage_and_only_that_replica_waits() {
    let setup = Setup::new();
    let segments = setup.segments();
    assert_eq!(segments.len(), 3);
    let mut bytes = std::fs::read(&segments[1]).expect("read");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x40;
    std::fs::write(&segments[1], &bytes).expect("write");
    let ran = setup.desktop.run(noon(), &["sync"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(
        ran.stderr.contains(&format!(
            "rel: warning: {} on the remote is damaged or was altered; nothing is applied from it",
            setup.shown(&segments[1])
        )),
        "{}",
        ran.stderr
    );
    assert!(!ran.stderr.contains("sync key"), "{}", ran.stderr);
    // What came before the damaged segment applies; what follows waits.
    assert_eq!(setup.desktop_handles(), ["ann-lee"]);
}

#[test]
fn a_truncated_and_a_replayed_segment_are_damage_too() {
    let setup = Setup::new();
    let segments = setup.segments();
    // The second file replaced by a copy of the first (replayed under another name).
    std::fs::copy(&segments[0], &segments[1]).expect("replay");
    let ran = setup.desktop.run(noon(), &["sync"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let expected = format!(
        "{} on the remote is damaged or was altered",
        setup.shown(&segments[1])
    );
    assert!(ran.stderr.contains(&expected), "{}", ran.stderr);
    assert_eq!(setup.desktop_handles(), ["ann-lee"]);

    let fresh = Setup::new();
    let segments = fresh.segments();
    let bytes = std::fs::read(&segments[0]).expect("read");
    std::fs::write(&segments[0], &bytes[..bytes.len() / 2]).expect("truncate");
    let ran = fresh.desktop.run(noon(), &["sync"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let expected = format!(
        "{} on the remote is damaged or was altered",
        fresh.shown(&segments[0])
    );
    assert!(ran.stderr.contains(&expected), "{}", ran.stderr);
    assert!(fresh.desktop_handles().is_empty());
    // The laptop's later changes wait behind the damage…
    fresh.laptop.ok(noon(), &["add", "Di Fu"]);
    fresh.laptop.ok(noon(), &["sync"]);
    let ran = fresh.desktop.run(noon(), &["sync"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(fresh.desktop_handles().is_empty());
    // …until the damaged file is deleted (as the README says): its writer writes it again.
    std::fs::remove_file(&segments[0]).expect("delete");
    fresh.laptop.ok(noon(), &["sync"]);
    let ran = fresh.desktop.run(noon(), &["sync"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_eq!(ran.stderr, "");
    assert_eq!(
        fresh.desktop_handles(),
        ["ann-lee", "bo-ek", "cy-oh", "di-fu"]
    );
}

#[test]
fn a_segment_deleted_from_the_middle_is_warned_about() {
    let setup = Setup::new();
    let segments = setup.segments();
    let name = segments[1].file_name().expect("name").to_string_lossy();
    // `first-last-tag.seg`: the warning names the range.
    let stem = name.strip_suffix(".seg").expect("seg");
    let range = stem.split('-').take(2).collect::<Vec<_>>().join("-");
    std::fs::remove_file(&segments[1]).expect("delete");
    let ran = setup.desktop.run(noon(), &["sync"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(
        ran.stderr.contains(&format!(
            "rel: warning: replica {}'s changes {range} are missing from the remote (a file was \
             deleted, or has not arrived yet); its later changes wait for them",
            Setup::id(&setup.laptop)
        )),
        "{}",
        ran.stderr
    );
    assert_eq!(setup.desktop_handles(), ["ann-lee"]);
    // The laptop fills the gap at its next sync; the desktop then has everything.
    setup.laptop.ok(noon(), &["sync"]);
    let ran = setup.desktop.run(noon(), &["sync"]);
    assert!(!ran.stderr.contains("missing"), "{}", ran.stderr);
    assert_eq!(setup.desktop_handles(), ["ann-lee", "bo-ek", "cy-oh"]);
}

#[test]
fn a_fifo_named_like_a_segment_is_not_read() {
    let setup = Setup::new();
    let segments = setup.segments();
    let name = segments[2].file_name().expect("name").to_string_lossy();
    let last: i64 = name
        .strip_suffix(".seg")
        .and_then(|stem| stem.split('-').nth(1))
        .and_then(|n| n.parse().ok())
        .expect("range");
    let fifo = setup
        .dir_of(&setup.laptop)
        .join(format!("{}-{}.seg", last + 1, last + 1));
    let path = std::ffi::CString::new(fifo.to_string_lossy().as_bytes()).expect("path");
    // SAFETY: mkfifo on a NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(path.as_ptr(), 0o600) }, 0);
    let ran = sync_within_a_minute(&setup.desktop);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(
        ran.stderr.contains(&format!(
            "rel: warning: {} on the remote is not a regular file; nothing is read from it",
            setup.shown(&fifo)
        )),
        "{}",
        ran.stderr
    );
    assert_eq!(setup.desktop_handles(), ["ann-lee", "bo-ek", "cy-oh"]);
}

#[test]
fn a_key_check_linked_to_dev_zero_is_not_read_and_its_owner_repairs_it() {
    let setup = Setup::new();
    let key_check = setup.dir_of(&setup.laptop).join("key-check");
    std::fs::remove_file(&key_check).expect("remove");
    std::os::unix::fs::symlink("/dev/zero", &key_check).expect("symlink");
    let ran = sync_within_a_minute(&setup.desktop);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(
        ran.stderr.contains(&format!(
            "rel: warning: {} on the remote is a symbolic link; nothing is read from it",
            setup.shown(&key_check)
        )),
        "{}",
        ran.stderr
    );
    assert_eq!(setup.desktop_handles(), ["ann-lee", "bo-ek", "cy-oh"]);
    // Its owner writes a real key-check again at its next sync.
    setup.laptop.ok(noon(), &["sync"]);
    let kind = std::fs::symlink_metadata(&key_check).expect("key-check");
    assert!(kind.file_type().is_file());
    let ran = setup.desktop.run(noon(), &["sync"]);
    assert_eq!(ran.stderr, "");
}

#[test]
fn a_damaged_key_check_blocks_nobody() {
    let setup = Setup::new();
    let key_check = setup.dir_of(&setup.laptop).join("key-check");
    let mut bytes = std::fs::read(&key_check).expect("read");
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(&key_check, &bytes).expect("write");
    // A third machine joins with the key: the laptop's segments prove the key right.
    let third = Replica::new("third");
    let key = setup.laptop.ok(noon(), &["sync", "key"]);
    let folder = setup.folder.display().to_string();
    third.ok(
        noon(),
        &["sync", "init", "--folder", &folder, "--key", key.trim_end()],
    );
    let ran = third.run(noon(), &["sync"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(
        ran.stderr.contains(&format!(
            "{} on the remote is damaged or was altered",
            setup.shown(&key_check)
        )),
        "{}",
        ran.stderr
    );
    assert_eq!(
        third.strings("SELECT count(*) FROM contacts"),
        ["3".to_string()]
    );
    // A wrong key is still a wrong key (exit 1), not damage.
    let stranger = Replica::new("stranger");
    let wrong = "ab".repeat(32);
    let ran = stranger.run(
        noon(),
        &["sync", "init", "--folder", &folder, "--key", &wrong],
    );
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    assert!(
        ran.stderr
            .starts_with("rel: the sync key does not open this remote's data"),
        "{}",
        ran.stderr
    );
    // The laptop repairs its own key-check.
    setup.laptop.ok(noon(), &["sync"]);
    assert_eq!(third.run(noon(), &["sync"]).stderr, "");
}

#[test]
fn a_symlinked_replica_folder_is_not_followed() {
    let setup = Setup::new();
    // Someone links a replica-named folder to a copy of the laptop's files elsewhere.
    let elsewhere = tempfile::tempdir().expect("tempdir");
    for entry in std::fs::read_dir(setup.dir_of(&setup.laptop))
        .expect("dir")
        .flatten()
    {
        std::fs::copy(entry.path(), elsewhere.path().join(entry.file_name())).expect("copy");
    }
    let planted = "0190e4c2-aaaa-7bbb-8ccc-0123456789ab";
    let link = setup.folder.join("rel-sync/v1").join(planted);
    std::os::unix::fs::symlink(elsewhere.path(), &link).expect("symlink");
    let ran = setup.desktop.run(noon(), &["sync"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(
        ran.stderr.contains(&format!(
            "rel: warning: rel-sync/v1/{planted} on the remote is a symbolic link; nothing is \
             read from it"
        )),
        "{}",
        ran.stderr
    );
    assert_eq!(setup.desktop_handles(), ["ann-lee", "bo-ek", "cy-oh"]);
}

#[test]
fn writing_through_a_link_is_refused_and_nothing_reported_sent() {
    let setup = Setup::new();
    setup.desktop.ok(noon(), &["sync"]);
    let own = setup.dir_of(&setup.desktop);
    let outside = tempfile::tempdir().expect("tempdir");
    std::fs::remove_dir_all(&own).expect("remove");
    std::os::unix::fs::symlink(outside.path(), &own).expect("symlink");
    setup.desktop.ok(noon(), &["add", "Ed Po"]);
    let ran = setup.desktop.run(noon(), &["sync"]);
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    assert!(
        ran.stderr.starts_with(&format!(
            "rel: cannot write to the sync remote: {} is a symbolic link; nothing was sent",
            own.display()
        )),
        "{}",
        ran.stderr
    );
    assert_eq!(ran.stdout, "");
    assert_eq!(std::fs::read_dir(outside.path()).expect("dir").count(), 0);
    let status: serde_json::Value = serde_json::from_str(
        &setup
            .desktop
            .ok(noon(), &["sync", "status", "--format", "json"]),
    )
    .expect("json");
    assert!(status["unsent"].as_i64().expect("unsent") > 0, "{status}");
}

/// The largest resident size of one child (KiB), from wait4's rusage.
fn wait_max_rss_kib(child: std::process::Child) -> (i32, i64) {
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value to be filled in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child, whose pid we hold; status and usage are ours.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid, "wait4");
    std::mem::forget(child);
    (libc::WEXITSTATUS(status), usage.ru_maxrss)
}

#[test]
fn a_three_gigabyte_sparse_segment_costs_no_memory() {
    let setup = Setup::new();
    let dir = setup.dir_of(&setup.laptop);
    let segments = setup.segments();
    let last: i64 = segments[2]
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.strip_suffix(".seg"))
        .and_then(|stem| stem.split('-').nth(1))
        .and_then(|n| n.parse().ok())
        .expect("range");
    let huge = dir.join(format!("{}-{}.seg", last + 1, last + 5));
    std::fs::File::create(&huge)
        .and_then(|file| file.set_len(3 << 30))
        .expect("sparse file");
    // And a sparse key-check of another planted replica, read first of all.
    let planted = setup
        .folder
        .join("rel-sync/v1/0190e4c2-bbbb-7bbb-8ccc-0123456789ab");
    std::fs::create_dir(&planted).expect("dir");
    std::fs::File::create(planted.join("key-check"))
        .and_then(|file| file.set_len(3 << 30))
        .expect("sparse file");
    let child = setup
        .desktop
        .command(&setup.desktop.db, noon(), &["sync"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    let (code, max_rss_kib) = wait_max_rss_kib(child);
    assert_eq!(code, 0);
    assert!(
        max_rss_kib < 64 * 1024,
        "rel sync used {max_rss_kib} KiB with a 3 GB file on the remote"
    );
    assert_eq!(setup.desktop_handles(), ["ann-lee", "bo-ek", "cy-oh"]);
    let ran = setup.desktop.run(noon(), &["sync"]);
    assert_eq!(ran.code, 0);
    assert!(
        ran.stderr.contains(&format!(
            "rel: warning: {} on the remote is larger than any file rel writes; nothing is read \
             from it",
            setup.shown(&huge)
        )),
        "{}",
        ran.stderr
    );
}

#[test]
fn leftover_temp_files_are_removed_by_the_replica_that_wrote_them() {
    let setup = Setup::new();
    setup.desktop.ok(noon(), &["add", "Ed Po"]);
    setup.desktop.ok(noon(), &["sync"]);
    let own = setup.dir_of(&setup.desktop);
    let theirs = setup.dir_of(&setup.laptop);
    // A killed sync's leftovers are old by the time a sync finds them; a fresh one may be
    // another copy of this journal writing right now, and is left alone.
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    let plant = |path: std::path::PathBuf| {
        std::fs::write(&path, b"half").expect("write");
        let file = std::fs::File::options()
            .write(true)
            .open(&path)
            .expect("open");
        file.set_modified(hour_ago).expect("mtime");
    };
    for i in 0..3 {
        plant(own.join(format!(".tmp-killed{i}")));
    }
    std::fs::write(own.join(".tmp-being-written"), b"half").expect("write");
    plant(theirs.join(".tmp-theirs"));
    assert_eq!(setup.desktop.ok(noon(), &["sync"]), "up to date\n");
    let left: Vec<String> = std::fs::read_dir(&own)
        .expect("dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".tmp-"))
        .collect();
    assert_eq!(left, vec![".tmp-being-written".to_string()]);
    // Another replica's temp file is that replica's to remove.
    assert!(theirs.join(".tmp-theirs").exists());
    setup.laptop.ok(noon(), &["sync"]);
    assert!(!theirs.join(".tmp-theirs").exists());
}

#[test]
fn a_lone_machine_whose_only_file_was_replaced_repairs_it() {
    let laptop = Replica::new("laptop");
    let shared = tempfile::tempdir().expect("tempdir");
    let folder = shared.path().join("drive");
    laptop.ok(
        noon(),
        &["sync", "init", "--folder", &folder.display().to_string()],
    );
    laptop.ok(noon(), &["sync"]);
    let own = folder.join("rel-sync/v1").join(Setup::id(&laptop));
    // Only its key-check and name are there; both replaced by links to /dev/zero.
    for file in ["key-check", "name"] {
        std::fs::remove_file(own.join(file)).expect("remove");
        std::os::unix::fs::symlink("/dev/zero", own.join(file)).expect("symlink");
    }
    let ran = sync_within_a_minute(&laptop);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    for file in ["key-check", "name"] {
        let meta = std::fs::symlink_metadata(own.join(file)).expect("file");
        assert!(meta.file_type().is_file(), "{file} was not rewritten");
    }
    assert_eq!(laptop.run(noon(), &["sync"]).stderr, "");
}
