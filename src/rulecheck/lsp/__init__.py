"""`rulecheck lsp`: a language server (pygls) for rule files, so an analyst's editor shows what `check`
finds as they type, and `verify`'s findings on save.

The modules: `server` (the handlers, and the session state they share), `documents` (a document's
analysis, its imports read from the open buffers first), `positions` (rulecheck's spans ↔ LSP's
UTF-16 positions), `symbols` (where each input and let is declared and read), and one module per
feature: `diagnostics`, `hover`, `completion`, `navigation`, `actions`, `verifying`.

Only `rulecheck lsp` imports this package (pygls is an optional extra: `pip install rulecheck[lsp]`).
"""
