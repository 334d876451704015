// The rulecheck extension: the grammar and the language configuration are declared in package.json;
// this file only starts the language server, `rulecheck lsp`, over stdio, for the *.rules files of the
// workspace. The command comes from the settings (rulecheck.server.command), so that a project's own
// virtualenv can be used instead of whatever `rulecheck` is on the PATH.
"use strict";

const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

/** The command line that starts the server, read from the settings each time the client starts. */
function serverOptions() {
    const settings = vscode.workspace.getConfiguration("rulecheck");
    const command = settings.get("server.command", "rulecheck");
    const args = settings.get("server.args", ["lsp"]);
    return { command, args, transport: TransportKind.stdio };
}

/** The files the server is told about: rule files, on disk or not yet saved. */
function clientOptions() {
    return {
        documentSelector: [
            { scheme: "file", language: "rulecheck" },
            { scheme: "untitled", language: "rulecheck" },
        ],
        synchronize: {
            // facts and case files change what the server reports about the rules that read them
            fileEvents: vscode.workspace.createFileSystemWatcher("**/*.{rules,yaml,yml}"),
        },
    };
}

async function startClient() {
    client = new LanguageClient("rulecheck", "rulecheck", serverOptions(), clientOptions());
    try {
        await client.start();
    } catch (error) {
        const command = vscode.workspace.getConfiguration("rulecheck").get("server.command");
        vscode.window.showErrorMessage(
            `rulecheck: the language server could not start (${command} lsp): ${error.message}. ` +
                "Install rulecheck or set rulecheck.server.command to its path."
        );
    }
}

async function activate(context) {
    await startClient();
    context.subscriptions.push(
        vscode.workspace.onDidChangeConfiguration(async (event) => {
            if (event.affectsConfiguration("rulecheck.server")) {
                await deactivate();
                await startClient();
            }
        })
    );
}

async function deactivate() {
    if (client) {
        const stopping = client;
        client = undefined;
        await stopping.stop();
    }
}

module.exports = { activate, deactivate };
