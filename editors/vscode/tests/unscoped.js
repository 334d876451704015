// Tokenize rule files with the extension's grammar, as VS Code does (vscode-textmate, vscode-oniguruma),
// and print, as JSON, every run of non-blank text that the grammar leaves unscoped (only
// "source.rulecheck") or scopes "invalid.*": tests/test_editor_grammar.py runs it over every ```rules
// block of the docs, which must have none.
//
//   node tests/unscoped.js FILE...
"use strict";
const fs = require("fs");
const path = require("path");
const vsctm = require("vscode-textmate");
const oniguruma = require("vscode-oniguruma");

const GRAMMAR = path.join(__dirname, "..", "syntaxes", "rulecheck.tmLanguage.json");
const wasm = fs.readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm")).buffer;
const onigLib = oniguruma.loadWASM(wasm).then(() => ({
    createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
    createOnigString: (text) => new oniguruma.OnigString(text),
}));
const registry = new vsctm.Registry({
    onigLib,
    loadGrammar: async () => vsctm.parseRawGrammar(fs.readFileSync(GRAMMAR, "utf8"), GRAMMAR),
});

/** The unscoped or invalid runs of one file: {file, line, text, scopes}. */
function problems(grammar, file) {
    const found = [];
    let state = vsctm.INITIAL;
    fs.readFileSync(file, "utf8").split(/\r?\n/).forEach((line, index) => {
        const result = grammar.tokenizeLine(line, state);
        state = result.ruleStack;
        for (const token of result.tokens) {
            const text = line.slice(token.startIndex, token.endIndex);
            const unscoped = token.scopes.length === 1;
            const invalid = token.scopes.some((scope) => scope.startsWith("invalid"));
            if (text.trim() && (unscoped || invalid)) {
                found.push({ file, line: index + 1, text, scopes: token.scopes });
            }
        }
    });
    return found;
}

registry.loadGrammar("source.rulecheck").then((grammar) => {
    const found = process.argv.slice(2).flatMap((file) => problems(grammar, file));
    process.stdout.write(JSON.stringify(found, null, 1) + "\n");
});
