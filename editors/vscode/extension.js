// The opsc language client for VS Code: starts `opsc lsp`, serves the
// standard library's read-only documents (opsc-std:///std/NAME.ops) and
// shows what a block produces.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

async function activate(context) {
  const command = vscode.workspace.getConfiguration("opsc").get("path") || "opsc";
  client = new LanguageClient("opsc", "opsc", { command, args: ["lsp"] }, {
    documentSelector: [{ language: "ops" }, { scheme: "opsc-std", language: "ops" }],
  });
  await client.start();
  context.subscriptions.push(vscode.workspace.registerTextDocumentContentProvider("opsc-std", {
    provideTextDocumentContent: (uri) =>
      client.sendRequest("workspace/executeCommand", { command: "opsc.stdlib", arguments: [uri.toString()] }),
  }));
  context.subscriptions.push(vscode.commands.registerCommand("opsc.showProduces", async () => {
    const ed = vscode.window.activeTextEditor;
    if (!ed) return;
    const pos = ed.selection.active;
    const out = await client.sendRequest("workspace/executeCommand", {
      command: "opsc.produces", arguments: [ed.document.uri.toString(), pos.line, pos.character],
    });
    const pick = await vscode.window.showQuickPick((out || []).map((o) => ({ label: o.path, description: `document ${o.document}`, o })));
    if (pick) {
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(pick.o.uri));
      await vscode.window.showTextDocument(doc, { selection: new vscode.Range(pick.o.line - 1, 0, pick.o.line - 1, 0) });
    }
  }));
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
