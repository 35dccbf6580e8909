//! Fuzz target: the parser's fast paths against the grammar's parser. On arbitrary bytes (read as
//! UTF-8, lossily), whenever the fast path takes the input, whole or cut into parts, it must build
//! the grammar parser's tree and diagnostics exactly.

#![no_main]

use libfuzzer_sys::fuzz_target;
use lsmc::parser::{
    parse_module_direct, parse_module_in_parts, parse_module_with_grammar, PARALLEL_PARTS,
};
use lsmc::source::FileId;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let file = FileId(0);
    let grammar = parse_module_with_grammar(&text, file);
    if let Some(fast) = parse_module_direct(&text, file) {
        assert_eq!(fast, grammar, "the fast path disagrees with the grammar");
    }
    if let Some(parts) = parse_module_in_parts(&text, file, PARALLEL_PARTS) {
        assert_eq!(parts, grammar, "the parts disagree with the grammar");
    }
});
