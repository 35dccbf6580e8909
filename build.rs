//! Generates the parser from `grammar/inmanta.lalrpop` and the index of the error pages under
//! `docs/errors/` (for `lsmc explain`); reruns only when those change.
use std::fmt::Write as _;
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=grammar/inmanta.lalrpop");
    println!("cargo:rerun-if-changed=docs/errors");
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    lalrpop::Configuration::new()
        .set_in_dir("grammar")
        .set_out_dir(&out_dir)
        .emit_rerun_directives(false)
        .process()
        .expect("the grammar compiles");

    let pages_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/errors");
    let mut pages: Vec<_> = std::fs::read_dir(&pages_dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "md"))
                .collect()
        })
        .unwrap_or_default();
    pages.sort();
    let mut index = String::from("pub const PAGES: &[(&str, &str)] = &[\n");
    for page in pages {
        let id = page.file_stem().unwrap().to_string_lossy().to_string();
        writeln!(index, "    ({id:?}, include_str!({:?})),", page.display()).unwrap();
    }
    index.push_str("];\n");
    std::fs::write(Path::new(&out_dir).join("error_pages.rs"), index).expect("OUT_DIR is writable");
}
