//! `lsmc lsp` over stdio, as an editor drives it: each request on the fixture project
//! fixtures/lsp/project (a v1 module in libs/, a v2 module in fixtures/lsp/site), and bad input.

mod lsp_client;

use lsp_client::{fixture, uri, Client};
use serde_json::{json, Value};

fn main_cf() -> String {
    uri(&fixture("project/main.cf"))
}

fn net_cf() -> String {
    uri(&fixture("project/libs/net/model/_init.cf"))
}

/// The line and column of the `nth` (0-based) occurrence of `needle` in `text`, plus `shift`
/// columns.
fn position_of(text: &str, needle: &str, nth: usize, shift: u32) -> Value {
    let at = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("`{needle}` #{nth} is in the text"))
        .0;
    let line = text[..at].matches('\n').count();
    let column = at - text[..at].rfind('\n').map_or(0, |i| i + 1);
    json!({"line": line, "character": column as u32 + shift})
}

fn main_text() -> String {
    std::fs::read_to_string(fixture("project/main.cf")).unwrap()
}

#[test]
fn initialize_announces_the_features() {
    let mut client = Client::start();
    let capabilities = client.initialize();
    for feature in [
        "hoverProvider",
        "definitionProvider",
        "referencesProvider",
        "documentSymbolProvider",
        "workspaceSymbolProvider",
        "completionProvider",
        "renameProvider",
        "codeActionProvider",
    ] {
        assert!(
            !capabilities[feature].is_null(),
            "{feature} in {capabilities}"
        );
    }
    assert_eq!(client.shutdown_and_exit(), Some(0));
}

#[test]
fn diagnostics_follow_the_edits() {
    let mut client = Client::start();
    client.initialize();
    let text = main_text();
    client.open(&main_cf(), &text);
    let published = client.diagnostics_for(&main_cf());
    assert_eq!(published, json!([]), "the fixture has no error");
    // An unknown type in a constructor: E1001 with its did-you-mean.
    let broken = text.replace("cloud::Region(name=\"eu\")", "cloud::Regoin(name=\"eu\")");
    client.change(&main_cf(), 2, &broken);
    let published = client.diagnostics_for(&main_cf());
    let diagnostics = published.as_array().unwrap();
    assert_eq!(diagnostics.len(), 1, "{published}");
    let d = &diagnostics[0];
    assert_eq!(d["code"], "E1001");
    assert_eq!(d["severity"], 1);
    assert_eq!(d["source"], "lsmc");
    assert_eq!(
        d["range"]["start"],
        position_of(&broken, "cloud::Regoin", 0, 0)
    );
    assert!(
        d["codeDescription"]["href"]
            .as_str()
            .unwrap()
            .ends_with("/errors/E1001.md"),
        "{d}"
    );
    assert!(d["message"].as_str().unwrap().contains("Regoin"), "{d}");
    // Back as it was: the diagnostics are cleared.
    client.change(&main_cf(), 3, &text);
    assert_eq!(client.diagnostics_for(&main_cf()), json!([]));
    client.shutdown_and_exit();
}

#[test]
fn an_error_in_a_module_is_published_for_the_module_and_related_places_are_given() {
    let mut client = Client::start();
    client.initialize();
    let net = std::fs::read_to_string(fixture("project/libs/net/model/_init.cf")).unwrap();
    client.open(&net_cf(), &net);
    assert_eq!(client.diagnostics_for(&net_cf()), json!([]));
    // A second definition of Host: E1005, with the first one as related information.
    let broken = format!("{net}\nentity Host:\nend\n");
    client.change(&net_cf(), 2, &broken);
    let published = client.diagnostics_for(&net_cf());
    let d = &published[0];
    assert_eq!(d["code"], "E1005", "{published}");
    let related = d["relatedInformation"].as_array().unwrap();
    assert!(
        related
            .iter()
            .any(|r| r["location"]["range"]["start"] == position_of(&broken, "Host", 0, 0)),
        "{published}"
    );
    client.shutdown_and_exit();
}

#[test]
fn hover_shows_the_definition_and_its_docstring() {
    let mut client = Client::start();
    client.initialize();
    let text = main_text();
    client.open(&main_cf(), &text);
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": main_cf()}, "position": position_of(&text, "bandwidth=", 0, 2)}),
    );
    let value = hover["result"]["contents"]["value"].as_str().unwrap();
    assert!(
        value.contains("attribute int __config__::Tunnel.bandwidth = 100"),
        "{value}"
    );
    assert!(value.contains("modifier: `rw+`"), "{value}");
    assert!(value.contains("The bandwidth in Mbit/s."), "{value}");
    client.shutdown_and_exit();
}

#[test]
fn definition_goes_to_a_v1_module_a_v2_module_and_an_import() {
    let mut client = Client::start();
    client.initialize_with(json!({"pythonPath": [fixture("site")]}));
    let text = main_text();
    client.open(&main_cf(), &text);
    let definition = |client: &mut Client, needle: &str, nth: usize, shift: u32| {
        client.request(
            "textDocument/definition",
            json!({"textDocument": {"uri": main_cf()}, "position": position_of(&text, needle, nth, shift)}),
        )["result"]
            .clone()
    };
    let host = definition(&mut client, "net::Host", 0, 6);
    assert_eq!(host["uri"], net_cf());
    let net = std::fs::read_to_string(fixture("project/libs/net/model/_init.cf")).unwrap();
    assert_eq!(
        host["range"]["start"],
        position_of(&net, "Host:", 0, 0),
        "{host}"
    );
    let region = definition(&mut client, "cloud::Region", 0, 8);
    assert_eq!(
        region["uri"],
        uri(&fixture("site/inmanta_plugins/cloud/model/_init.cf"))
    );
    let module = definition(&mut client, "import net::extra", 0, 13);
    assert_eq!(
        module["uri"],
        uri(&fixture("project/libs/net/model/extra.cf"))
    );
    client.shutdown_and_exit();
}
