//! How time grows with the size of the input, on inputs that once grew quadratically or worse:
//! N top-level variables, an inheritance chain, services bound to every level of an inheritance
//! chain (the LSM rules read each level's ancestors), a for loop over a relation that grows inside it,
//! N relations that are read whole one after the other (each is frozen on its own, beside many
//! relations nobody reads), and an inventory on one long line with one bad record (read, checked, its diagnostics
//! rendered). Each runs at two sizes 10x apart; the table shows the best of a few runs of each
//! and their ratio, which is at most 12 when the growth is n log n or better. Times are the
//! process's CPU time, not the wall time: on a machine shared with other work, a run that waits
//! for a core would otherwise count the wait, and the longer run waits more.
//!
//!   cargo bench --bench growth            every case
//!   cargo bench --bench growth -- chain   the cases whose name contains `chain`

use std::fmt::Write;
use std::hint::black_box;
use std::time::{Duration, Instant};

use lsmc::diagnostics::{render_text, TextOptions};
use lsmc::driver::{self, Input, InventoryFile};
use lsmc::project::MemoryFiles;

// The allocator of the lsmc binary, so that the benchmarks measure what users run.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The largest ratio of the times at 10n and n that counts as n log n.
const MOST_RATIO: f64 = 12.0;

struct Case {
    name: &'static str,
    small: usize,
    /// What one run does at size n: the work measured, on an input made beforehand.
    prepare: fn(usize) -> Box<dyn Fn()>,
}

fn main() {
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let cases = [
        Case {
            name: "top-level variables",
            small: 20_000,
            prepare: top_level_variables,
        },
        Case {
            name: "inheritance chain",
            small: 1_000,
            prepare: inheritance_chain,
        },
        Case {
            name: "services on an inheritance chain",
            small: 500,
            prepare: services_on_a_chain,
        },
        Case {
            name: "relation growing in its for loop",
            small: 100,
            prepare: growing_relation,
        },
        Case {
            name: "relations frozen one by one",
            small: 1_000,
            prepare: relations_frozen_one_by_one,
        },
        Case {
            name: "long-line inventory, one bad record",
            small: 2_000,
            prepare: long_line_inventory,
        },
    ];
    println!(
        "{:<40} {:>9} {:>11} {:>9} {:>11} {:>7}",
        "case", "n", "time", "10n", "time", "ratio"
    );
    let mut over = Vec::new();
    for case in cases
        .iter()
        .filter(|c| filter.is_empty() || filter.iter().any(|f| c.name.contains(f.as_str())))
    {
        let small = best_time((case.prepare)(case.small));
        let large = best_time((case.prepare)(10 * case.small));
        let ratio = large.as_secs_f64() / small.as_secs_f64().max(1e-9);
        let mark = if ratio <= MOST_RATIO { "" } else { "  > 12x" };
        println!(
            "{:<40} {:>9} {:>8.1} ms {:>9} {:>8.1} ms {:>6.1}x{mark}",
            case.name,
            case.small,
            small.as_secs_f64() * 1e3,
            10 * case.small,
            large.as_secs_f64() * 1e3,
            ratio
        );
        if ratio > MOST_RATIO {
            over.push(case.name);
        }
    }
    if !over.is_empty() {
        println!("growing faster than n log n: {}", over.join(", "));
    }
}

/// The fastest of a few runs (at least 3, for at least a second in all, at most 10).
fn best_time(run: Box<dyn Fn()>) -> Duration {
    let mut best = Duration::MAX;
    let started = Instant::now();
    for i in 0..10 {
        let start = cpu_time();
        run();
        best = best.min(cpu_time().saturating_sub(start));
        if i >= 2 && started.elapsed() > Duration::from_secs(1) {
            break;
        }
    }
    best
}

/// The CPU time the process has used so far, all its threads (the parser may run on one of its
/// own).
fn cpu_time() -> Duration {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `now` is a valid timespec for the call to write.
    let status = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut now) };
    assert_eq!(status, 0, "the process CPU clock is readable");
    Duration::new(now.tv_sec as u64, now.tv_nsec as u32)
}

/// Check and evaluate a main file, as `lsmc compile` does without an inventory.
fn compile(main: String) -> Box<dyn Fn()> {
    Box::new(move || {
        let files = MemoryFiles::default();
        let input = Input {
            main_name: "main.cf",
            main_text: &main,
            files: &files,
        };
        let mut checked = driver::check(&input, driver::Options::default());
        assert!(!checked.has_errors(), "the generated model checks clean");
        let evaluated = checked.evaluate(Default::default()).expect("no error");
        assert!(!evaluated.has_errors(), "the generated model compiles");
        black_box(evaluated.diagnostics.len());
    })
}

fn top_level_variables(n: usize) -> Box<dyn Fn()> {
    let mut main = String::new();
    for i in 0..n {
        let _ = writeln!(main, "x{i} = {i}");
    }
    compile(main)
}

fn inheritance_chain(n: usize) -> Box<dyn Fn()> {
    let mut main = String::from("entity E0:\n    int a = 0\nend\nimplement E0 using std::none\n");
    for i in 1..n {
        let _ = writeln!(
            main,
            "entity E{i} extends E{}:\nend\nimplement E{i} using std::none",
            i - 1
        );
    }
    let _ = writeln!(main, "E{}()", n - 1);
    compile(main)
}

/// A chain of `n` service entities with a binding for each level: the LSM rules check every
/// service entity against its ancestors.
fn services_on_a_chain(n: usize) -> Box<dyn Fn()> {
    let mut main = String::from(
        "import lsm\nimport lsm::fsm\n\nentity E0 extends lsm::ServiceEntity:\n    string name\n    \
         lsm::attribute_modifier name__modifier = \"rw\"\nend\nindex E0(name)\n\
         implement E0 using parents\n",
    );
    for i in 1..n {
        let _ = writeln!(
            main,
            "entity E{i} extends E{}:\nend\nimplement E{i} using parents",
            i - 1
        );
    }
    for i in 0..n {
        let _ = writeln!(
            main,
            "b{i} = lsm::ServiceEntityBindingV2(service_entity=\"__config__::E{i}\", \
             lifecycle=lsm::fsm::simple, service_entity_name=\"e{i}\")"
        );
    }
    compile(main)
}

fn growing_relation(n: usize) -> Box<dyn Fn()> {
    let main = format!(
        r#"
entity Holder:
end
implement Holder using std::none

entity Item:
    int n
end
implement Item using std::none

Holder.items [0:] -- Item

holder = Holder()
holder.items += Item(n=0)
for item in holder.items:
    if item.n < {last}:
        holder.items += Item(n=item.n + 1)
    end
end
"#,
        last = n - 1
    );
    compile(main)
}

/// `n` holders whose implementation reads its relation whole (a plugin call waits until the
/// relation is frozen, and the scheduler freezes one waited-on relation at a time), among
/// `4n` items with two relations each that nobody waits on.
fn relations_frozen_one_by_one(n: usize) -> Box<dyn Fn()> {
    let main = format!(
        r#"
import std

entity Holder:
    int count
end
implement Holder using counted

entity Item:
end
implement Item using std::none

Holder.items [0:] -- Item.holders [0:]
Item.peers [0:] -- Item

implementation counted for Holder:
    self.count = std::count(self.items)
end

for i in std::sequence({n}):
    holder = Holder()
    holder.items += [Item(), Item(), Item(), Item()]
end
"#
    );
    compile(main)
}

/// The example's inventory record `n` times on one line, with a string for an int in the
/// middle one: read, checked against the schemas, and the diagnostics rendered as text.
fn long_line_inventory(n: usize) -> Box<dyn Fn()> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/vpn-service");
    let main = std::fs::read_to_string(root.join("main.cf")).expect("the example");
    let records: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("inventory.json")).expect("the example's inventory"),
    )
    .expect("JSON");
    let mut all = Vec::with_capacity(n);
    for i in 0..n {
        let mut record = records[0].clone();
        record["id"] = format!("00000000-0000-4000-8000-{i:012}").into();
        record["active_attributes"]["name"] = format!("link_{i}").into();
        all.push(record);
    }
    all[n / 2]["active_attributes"]["bandwidth_mbps"] = "fast".into();
    let line = serde_json::to_string(&all).expect("JSON");
    Box::new(move || {
        let files = MemoryFiles::default();
        let input = Input {
            main_name: "main.cf",
            main_text: &main,
            files: &files,
        };
        let mut checked = driver::check(&input, driver::Options::default());
        checked.read_inventory(InventoryFile {
            name: "inventory.json".to_string(),
            text: line.clone(),
        });
        checked.check_inventory(None);
        assert!(checked.has_errors(), "the bad record is found");
        let text = render_text(
            &checked.diagnostics,
            &checked.sources,
            TextOptions::default(),
        );
        assert!(text.len() < 10_000, "a window of the line, not all of it");
        black_box(text);
    })
}
