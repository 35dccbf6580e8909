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

#[test]
fn references_find_uses_across_files_and_member_accesses() {
    let mut client = Client::start();
    client.initialize();
    let net = std::fs::read_to_string(fixture("project/libs/net/model/_init.cf")).unwrap();
    client.open(&net_cf(), &net);
    // The relation `interfaces`: its definition, and `router.interfaces` in main.cf.
    let response = client.request(
        "textDocument/references",
        json!({
            "textDocument": {"uri": net_cf()},
            "position": position_of(&net, "interfaces", 0, 1),
            "context": {"includeDeclaration": true},
        }),
    );
    let locations = response["result"].as_array().unwrap();
    let text = main_text();
    let found: Vec<(String, Value)> = locations
        .iter()
        .map(|l| {
            (
                l["uri"].as_str().unwrap().to_string(),
                l["range"]["start"].clone(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (main_cf(), position_of(&text, "interfaces", 0, 0)),
            (net_cf(), position_of(&net, "interfaces", 0, 0)),
        ],
        "{response}"
    );
    // The entity Host: used in main.cf, extra.cf and net itself (the index).
    let response = client.request(
        "textDocument/references",
        json!({
            "textDocument": {"uri": net_cf()},
            "position": position_of(&net, "Host:", 0, 0),
            "context": {"includeDeclaration": false},
        }),
    );
    let uris: Vec<&str> = response["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["uri"].as_str().unwrap())
        .collect();
    let extra = uri(&fixture("project/libs/net/model/extra.cf"));
    assert!(uris.contains(&main_cf().as_str()), "{response}");
    assert!(uris.contains(&extra.as_str()), "{response}");
    assert!(uris.contains(&net_cf().as_str()), "{response}");
    client.shutdown_and_exit();
}

#[test]
fn document_and_workspace_symbols() {
    let mut client = Client::start();
    client.initialize();
    let net = std::fs::read_to_string(fixture("project/libs/net/model/_init.cf")).unwrap();
    client.open(&net_cf(), &net);
    let response = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": net_cf()}}),
    );
    let outline: Vec<String> = response["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let children: Vec<&str> = s["children"]
                .as_array()
                .map(|c| c.iter().map(|c| c["name"].as_str().unwrap()).collect())
                .unwrap_or_default();
            format!("{} {}", s["name"].as_str().unwrap(), children.join(","))
        })
        .collect();
    assert_eq!(
        outline,
        [
            "port ",
            "Host name,address,ssh_port,interfaces",
            "Interface name,mtu,host",
            "ssh ",
            "default_mtu "
        ],
        "{response}"
    );
    let response = client.request("workspace/symbol", json!({"query": "interface"}));
    let names: Vec<&str> = response["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "net::Host.interfaces",
            "net::Interface",
            "net::Interface.host",
            "net::Interface.mtu",
            "net::Interface.name"
        ],
        "{response}"
    );
    // What each belongs to: the entity of a member, the module of an entity.
    let containers: Vec<&str> = response["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["containerName"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        containers,
        [
            "net::Host",
            "net",
            "net::Interface",
            "net::Interface",
            "net::Interface"
        ],
        "{response}"
    );
    client.shutdown_and_exit();
}

#[test]
fn completion_of_members_as_you_type() {
    let mut client = Client::start();
    client.initialize();
    let text = main_text();
    client.open(&main_cf(), &text);
    // The edit does not parse yet: `router.` at the end of the file.
    let typed = format!("{text}router.");
    client.change(&main_cf(), 2, &typed);
    let lines = typed.lines().count() as u32;
    let response = client.request(
        "textDocument/completion",
        json!({
            "textDocument": {"uri": main_cf()},
            "position": {"line": lines - 1, "character": 7},
        }),
    );
    let labels: Vec<&str> = response["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    for member in ["name", "address", "ssh_port", "interfaces", "routing"] {
        assert!(labels.contains(&member), "{member} in {labels:?}");
    }
    client.shutdown_and_exit();
}

#[test]
fn rename_edits_every_file_and_refuses_a_bad_name() {
    let mut client = Client::start();
    client.initialize();
    let net = std::fs::read_to_string(fixture("project/libs/net/model/_init.cf")).unwrap();
    client.open(&net_cf(), &net);
    let at = position_of(&net, "Host:", 0, 1);
    let prepared = client.request(
        "textDocument/prepareRename",
        json!({"textDocument": {"uri": net_cf()}, "position": at}),
    );
    assert_eq!(
        prepared["result"]["start"],
        position_of(&net, "Host:", 0, 0)
    );
    let response = client.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": net_cf()}, "position": at, "newName": "Machine"}),
    );
    let changes = response["result"]["changes"].as_object().unwrap();
    let text = main_text();
    let main_edits = changes[&main_cf()].as_array().unwrap();
    assert_eq!(main_edits.len(), 1, "{response}");
    // `net::Host` in main.cf: only the name after `::` is replaced.
    assert_eq!(
        main_edits[0]["range"]["start"],
        position_of(&text, "net::Host", 0, 5)
    );
    assert_eq!(main_edits[0]["newText"], "Machine");
    let extra = uri(&fixture("project/libs/net/model/extra.cf"));
    assert_eq!(changes[&extra].as_array().unwrap().len(), 1, "{response}");
    // Host's definition, `index Host(...)`, the relation, `implementation ssh for Host` and
    // `implement Host`.
    assert_eq!(
        changes[&net_cf()].as_array().unwrap().len(),
        5,
        "{response}"
    );
    let refused = client.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": net_cf()}, "position": at, "newName": "machine"}),
    );
    assert_eq!(refused["error"]["code"], -32602, "{refused}");
    client.shutdown_and_exit();
}

#[test]
fn code_actions_fix_a_misspelt_name() {
    let mut client = Client::start();
    client.initialize();
    let text = main_text();
    client.open(&main_cf(), &text);
    let broken = text.replace("cloud::Region(name=\"eu\")", "cloud::Regoin(name=\"eu\")");
    client.change(&main_cf(), 2, &broken);
    let at = position_of(&broken, "Regoin", 0, 0);
    let response = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": main_cf()},
            "range": {"start": at, "end": at},
            "context": {"diagnostics": []},
        }),
    );
    let actions = response["result"].as_array().unwrap();
    assert_eq!(actions.len(), 1, "{response}");
    assert_eq!(actions[0]["title"], "Replace with `cloud::Region`");
    let edits = &actions[0]["edit"]["changes"][main_cf()];
    assert_eq!(
        edits[0]["range"]["start"],
        position_of(&broken, "cloud::Regoin", 0, 0)
    );
    assert_eq!(edits[0]["newText"], "cloud::Region");
    client.shutdown_and_exit();
}

#[test]
fn incremental_changes_are_applied() {
    let mut client = Client::start();
    client.initialize();
    let text = main_text();
    client.open(&main_cf(), &text);
    assert_eq!(client.diagnostics_for(&main_cf()), json!([]));
    let at = position_of(&text, "Region(", 0, 3);
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": main_cf(), "version": 2},
            "contentChanges": [{"range": {"start": at, "end": at}, "text": "x"}],
        }),
    );
    let published = client.diagnostics_for(&main_cf());
    assert!(
        published[0]["message"]
            .as_str()
            .unwrap()
            .contains("Regxion"),
        "{published}"
    );
    client.shutdown_and_exit();
}

#[test]
fn bad_input_gets_protocol_errors_and_the_server_goes_on() {
    let mut client = Client::start();
    client.initialize();
    client.send_raw(b"{this is not json");
    let error = client.wait_for(|m| m["error"]["code"] == -32700);
    assert_eq!(error["id"], Value::Null);
    client.send(&json!({"jsonrpc": "2.0", "id": 99, "method": 5}));
    let error = client.wait_for(|m| m["id"] == 99);
    assert_eq!(error["error"]["code"], -32600);
    let unknown = client.request("textDocument/unknownThing", json!({}));
    assert_eq!(unknown["error"]["code"], -32601);
    let bad_params = client.request("textDocument/hover", json!({"nonsense": true}));
    assert_eq!(bad_params["error"]["code"], -32602);
    // A file in no project: its syntax errors, no answers.
    let loose = format!(
        "file://{}/lsmc-no-project/loose.cf",
        std::env::temp_dir().display()
    );
    client.open(&loose, "entity x:\nend\n");
    let published = client.diagnostics_for(&loose);
    assert_eq!(published[0]["code"], "E0006", "{published}");
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": loose}, "position": {"line": 0, "character": 8}}),
    );
    assert_eq!(hover["result"], Value::Null);
    // Past the end of a file: no answer, no crash.
    let text = main_text();
    client.open(&main_cf(), &text);
    let far = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": main_cf()}, "position": {"line": 9999, "character": 9999}}),
    );
    assert_eq!(far["result"], Value::Null, "{far}");
    let far = client.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": main_cf()}, "position": {"line": 9999, "character": 3}}),
    );
    assert!(far["error"].is_null(), "{far}");
    // A request for a file that does not exist.
    let missing = uri(&fixture("project/missing.cf"));
    let none = client.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": missing}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(none["result"], Value::Null, "{none}");
    assert_eq!(client.shutdown_and_exit(), Some(0));
}

#[test]
fn a_file_deleted_while_open_is_checked_from_its_buffer() {
    let dir = tempfile_dir("deleted");
    std::fs::write(dir.join("main.cf"), "import extra\nx = extra::y\n").unwrap();
    std::fs::create_dir_all(dir.join("libs/extra/model")).unwrap();
    let module = dir.join("libs/extra/model/_init.cf");
    std::fs::write(&module, "y = 1\n").unwrap();
    let main = uri(&std::fs::canonicalize(dir.join("main.cf")).unwrap());
    let module_uri = uri(&std::fs::canonicalize(&module).unwrap());
    let mut client = Client::start();
    client.initialize();
    client.open(&module_uri, "y = 1\n");
    assert_eq!(client.diagnostics_for(&module_uri), json!([]));
    std::fs::remove_file(dir.join("main.cf")).unwrap();
    std::fs::remove_file(&module).unwrap();
    client.change(&module_uri, 2, "y = 2\n");
    // The project has lost its main file, so the module is in no project any more: no answer,
    // and the server answers on.
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": module_uri}, "position": {"line": 0, "character": 0}}),
    );
    assert!(hover["error"].is_null(), "{hover}");
    assert_eq!(hover["result"], Value::Null, "{hover}");
    client.open(
        &main,
        "import extra
",
    );
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": main}, "position": {"line": 0, "character": 8}}),
    );
    assert!(hover["error"].is_null(), "{hover}");
    assert_eq!(client.shutdown_and_exit(), Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_server_ends_when_its_client_dies() {
    let mut client = Client::start();
    client.initialize();
    client.close_stdin();
    assert_eq!(client.wait_exit(), Some(2));
}

#[test]
fn exit_without_shutdown_is_an_error_exit() {
    let mut client = Client::start();
    client.initialize();
    client.notify("exit", Value::Null);
    assert_eq!(client.wait_exit(), Some(2));
}

#[test]
fn requests_before_initialize_are_refused() {
    let mut client = Client::start();
    let response = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": main_cf()}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(response["error"]["code"], -32002);
}

/// The calls of a module's Python plugins are checked as `lsmc check` checks them: a misspelt
/// plugin name is reported as you type.
#[test]
fn python_plugins_are_checked_as_the_cli_checks_them() {
    let main = std::fs::canonicalize(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/plugins/python/unknown_plugin/main.cf"),
    )
    .unwrap();
    let text = std::fs::read_to_string(&main).unwrap();
    let mut client = Client::start();
    client.initialize();
    client.open(&uri(&main), &text);
    let published = client.diagnostics_for(&uri(&main));
    assert_eq!(published[0]["code"], "E1001", "{published}");
    assert!(
        published[0]["message"]
            .as_str()
            .unwrap()
            .contains("pyplug::shoot"),
        "{published}"
    );
    let fixed = text.replace("shoot", "shout");
    client.change(&uri(&main), 2, &fixed);
    assert_eq!(client.diagnostics_for(&uri(&main)), json!([]));
    client.shutdown_and_exit();
}

fn tempfile_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("lsmc-lsp-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn evaluation_errors_over_the_configured_inventory_are_published_on_save() {
    let mut client = Client::start();
    client.initialize_with(
        json!({"pythonPath": [fixture("site")], "inventory": "../inventory.json"}),
    );
    let text = main_text();
    client.open(&main_cf(), &text);
    assert_eq!(client.diagnostics_for(&main_cf()), json!([]));
    // The inventory gives `bandwidth` a string: the compile fails where Tunnel is constructed
    // (the reference compiler says the same: "Invalid value 'fast', expected int").
    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": main_cf()}}),
    );
    let published = client.diagnostics_for(&main_cf());
    assert_eq!(published[0]["code"], "E4001", "{published}");
    assert_eq!(
        published[0]["range"]["start"],
        position_of(&text, "Tunnel(", 1, 0)
    );
    // As you type, the check alone: until the next save, no evaluation error.
    client.change(&main_cf(), 2, &text);
    assert_eq!(client.diagnostics_for(&main_cf()), json!([]));
    client.shutdown_and_exit();
}
