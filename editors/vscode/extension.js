// Starts `lsmc lsp` for the Inmanta files of the workspace; the server does the rest.
"use strict";

const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function initializationOptions(config) {
  const options = Object.assign({}, config.get("initializationOptions"));
  const pythonPath = config.get("pythonPath");
  if (Array.isArray(pythonPath) && pythonPath.length > 0) {
    options.pythonPath = pythonPath;
  }
  const inventory = config.get("inventory");
  if (inventory) {
    options.inventory = inventory;
  }
  return options;
}

function createClient() {
  const config = vscode.workspace.getConfiguration("lsmc");
  const server = {
    command: config.get("path") || "lsmc",
    args: ["lsp"],
    transport: TransportKind.stdio,
  };
  return new LanguageClient(
    "lsmc",
    "lsmc",
    { run: server, debug: server },
    {
      documentSelector: [{ scheme: "file", language: "inmanta" }],
      initializationOptions: initializationOptions(config),
      synchronize: {
        // The server reads its settings under `lsmc` when they change (the inventory).
        configurationSection: "lsmc",
        // Files changed outside the editor (a git checkout, a generator) are checked again.
        fileEvents: vscode.workspace.createFileSystemWatcher("**/{*.cf,project.yml,module.yml}"),
      },
    },
  );
}

async function activate(context) {
  client = createClient();
  context.subscriptions.push(
    vscode.commands.registerCommand("lsmc.restart", async () => {
      if (client) {
        await client.stop();
      }
      client = createClient();
      await client.start();
    }),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      const restartOn = ["lsmc.path", "lsmc.pythonPath", "lsmc.initializationOptions"];
      if (restartOn.some((setting) => event.affectsConfiguration(setting))) {
        await vscode.commands.executeCommand("lsmc.restart");
      }
    }),
  );
  await client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
