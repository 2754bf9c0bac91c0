-- The end-to-end run with a real editor: neovim's built-in LSP client
-- (0.7 API: vim.lsp.start_client + buf_attach_client) against `opsc lsp`.
-- Opens a .ops file with a typo, waits for the diagnostic, fixes the typo
-- through a buffer edit (sent as an incremental change), waits for it to
-- clear, asks for a hover and a definition; exits 0 when all held.
--
--   OPSC=build/opsc DIR=<copy of tests/lsp/project/policies> nvim --headless -u tests/lsp/init.lua

local opsc, dir = os.getenv("OPSC"), os.getenv("DIR")
local failed = false

local function check(cond, what)
  io.stderr:write((cond and "ok   " or "FAIL ") .. what .. "\n")
  if not cond then failed = true end
end

local function finish()
  vim.lsp.stop_client(vim.lsp.get_active_clients())
  vim.cmd(failed and "cquit 1" or "qall!")
end

vim.cmd("edit " .. dir .. "/envs.ops")
local buf = vim.api.nvim_get_current_buf()
local id = vim.lsp.start_client({ name = "opsc", cmd = { opsc, "lsp" }, root_dir = dir })
check(id ~= nil, "the server starts")
vim.lsp.buf_attach_client(buf, id)

local got = vim.wait(10000, function() return #vim.diagnostic.get(buf) > 0 end, 20)
local d = vim.diagnostic.get(buf)[1]
check(got and d ~= nil, "a diagnostic arrives")
if d then
  check(d.lnum == 8 and d.col == 2, "at the typo (9:3)")
  check(d.message == "`environment` has no attribute `clustr`\nhelp: did you mean `cluster`?", "with opsc check's message: " .. d.message)
  check(d.severity == vim.diagnostic.severity.ERROR, "as an error")
end

-- fix the typo in the buffer: clustr -> cluster
vim.api.nvim_buf_set_text(buf, 8, 2, 8, 8, { "cluster" })
got = vim.wait(10000, function() return #vim.diagnostic.get(buf) == 0 end, 20)
check(got, "the diagnostic clears after the fix")

local function request(method, line, col)
  local params = { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = line, character = col } }
  local res = vim.lsp.buf_request_sync(buf, method, params, 5000)
  return res and res[id] and res[id].result
end

local hover = request("textDocument/hover", 8, 3)
check(hover and hover.contents and hover.contents.value ==
  "**attribute** `cluster` of `environment`: a string (required)\n\nThe cluster it runs in: a directory of the output.",
  "hover on an attribute")

local def = request("textDocument/definition", 0, 10) -- import "std/network"
check(def and def.uri == "opsc-std:///std/network.ops", "definition into the standard library")

finish()
