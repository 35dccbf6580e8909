//! The modules of the generated project of about 10,000 lines that the `check` benchmark
//! (benches/pipeline.rs) and the language server's (benches/lsp.rs) read.

use std::fmt::Write;

/// Module `m`: a typedef and `entities` entities, each with a docstring, defaults, an index, a
/// relation and an implementation `check{e}`, which the entities use when `use_implementations`
/// (else `std::none`).
pub fn module_text(entities: usize, m: usize, use_implementations: bool) -> String {
    let mut text = String::from("typedef port_t as int matching self > 0 and self < 65536\n");
    for e in 0..entities {
        let implementation = if use_implementations {
            format!("check{e}")
        } else {
            "std::none".to_string()
        };
        let _ = write!(
            text,
            r#"
entity Item{e}:
    """
        Item {e} of module {m}.

        :attr name: its name
        :attr port: its port
    """
    string name
    port_t port = 80
    string[] tags = []
    bool enabled = true
end
index Item{e}(name)
implement Item{e} using {implementation}
Item{e}.peer [0:1] -- Item{e}
implementation check{e} for Item{e}:
    if self.enabled:
        self.tags = ["on", "{{{{name}}}}"]
    end
end
"#
        );
    }
    text
}
