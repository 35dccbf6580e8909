-- An editing session in headless Neovim against `lsmc lsp`, through the shipped configuration
-- (editors/neovim/lsmc.lua). tests/neovim.rs runs it on a copy of fixtures/editors/project:
--
--   nvim --headless -u NONE -i NONE -n -c 'luafile tests/neovim/session.lua'
--
-- Environment: LSMC_BIN (the server binary), LSMC_NVIM_CONFIG (the configuration to load),
-- LSMC_PROJECT (the project copy, edited and saved by the session), LSMC_RESULT (where the JSON
-- account of what the editor saw is written). The script checks that each step got an answer
-- and exits non-zero with a message when one did not come; tests/neovim.rs checks the answers.

local WAIT_MS = 20000

local result = { steps = {} }
local published = {} -- uri -> every publishDiagnostics for it, in order

local function fail(message)
  io.stderr:write("neovim session: " .. message .. "\n")
  vim.cmd("cquit 3")
end

local function env(name)
  local value = os.getenv(name)
  if not value or value == "" then
    fail(name .. " is not set")
  end
  return value
end

local project = vim.loop.fs_realpath(env("LSMC_PROJECT"))

-- Paths relative to the project, so that the result does not depend on where the copy is.
local function relative(uri)
  local file = vim.uri_to_fname(uri)
  file = vim.loop.fs_realpath(file) or file
  if file:sub(1, #project + 1) == project .. "/" then
    return file:sub(#project + 2)
  end
  return file
end

local function record(name, value)
  table.insert(result.steps, name)
  result[name] = value
end

local function clients()
  if vim.lsp.get_clients then
    return vim.lsp.get_clients()
  end
  return vim.lsp.get_active_clients()
end

-- Every publication is kept: a step waits for one that arrived after its edit.
local publish = vim.lsp.handlers["textDocument/publishDiagnostics"]
vim.lsp.handlers["textDocument/publishDiagnostics"] = function(err, params, ctx, config)
  published[params.uri] = published[params.uri] or {}
  table.insert(published[params.uri], params.diagnostics)
  return publish(err, params, ctx, config)
end

-- The exit status of the server, whichever way the configuration starts it.
local exits = {}
local function watch_exit(config)
  if config and not config.lsmc_exit_watched then
    config.lsmc_exit_watched = true
    local on_exit = config.on_exit
    config.on_exit = function(code, signal, client_id)
      table.insert(exits, { code = code, signal = signal })
      if on_exit then
        on_exit(code, signal, client_id)
      end
    end
  end
end
local start_client = vim.lsp.start_client
vim.lsp.start_client = function(config)
  watch_exit(config)
  return start_client(config)
end
if vim.lsp.start then
  local start = vim.lsp.start
  vim.lsp.start = function(config, opts)
    watch_exit(config)
    return start(config, opts)
  end
end

local function uri_of(bufnr)
  return vim.uri_from_bufnr(bufnr)
end

local function publications(bufnr)
  return published[uri_of(bufnr)] or {}
end

-- Waits for a publication for the buffer, newer than the `seen`-th, that `accept` takes.
local function wait_diagnostics(bufnr, seen, what, accept)
  local found
  local ok = vim.wait(WAIT_MS, function()
    local list = publications(bufnr)
    for i = seen + 1, #list do
      if accept(list[i]) then
        found = list[i]
        return true
      end
    end
    return false
  end, 20)
  if not ok then
    fail(
      "no diagnostics "
        .. what
        .. " for "
        .. relative(uri_of(bufnr))
        .. "; publications: "
        .. vim.inspect(publications(bufnr))
    )
  end
  return found
end

local function summarize(diagnostics)
  local out = {}
  for _, d in ipairs(diagnostics) do
    local related = {}
    for _, r in ipairs(d.relatedInformation or {}) do
      table.insert(related, {
        file = relative(r.location.uri),
        line = r.location.range.start.line,
        message = r.message,
      })
    end
    table.insert(out, {
      line = d.range.start.line,
      character = d.range.start.character,
      end_line = d.range["end"].line,
      end_character = d.range["end"].character,
      severity = d.severity,
      code = d.code,
      code_href = d.codeDescription and d.codeDescription.href or vim.NIL,
      message = d.message,
      related = related,
    })
  end
  return out
end

-- The 0-based line and column where `text` occurs in the buffer (the `nth` time).
local function position_of(bufnr, text, nth, offset)
  nth = nth or 1
  for line, content in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
    local from = 1
    while true do
      local start = content:find(text, from, true)
      if not start then
        break
      end
      nth = nth - 1
      if nth == 0 then
        return { line = line - 1, character = start - 1 + (offset or 0) }
      end
      from = start + 1
    end
  end
  fail("no " .. text .. " in " .. relative(uri_of(bufnr)))
end

local function request(bufnr, method, params)
  local responses, err = vim.lsp.buf_request_sync(bufnr, method, params, WAIT_MS)
  if not responses then
    fail(method .. ": no answer (" .. tostring(err) .. ")")
  end
  for _, response in pairs(responses) do
    if response.err or response.error then
      fail(method .. ": " .. vim.inspect(response.err or response.error))
    end
    return response.result
  end
  fail(method .. ": no client answered")
end

local function at(bufnr, position)
  return { textDocument = { uri = uri_of(bufnr) }, position = position }
end

local function locations(answer)
  if answer == nil or answer == vim.NIL then
    return {}
  end
  if answer.uri or answer.targetUri then
    answer = { answer }
  end
  local out = {}
  for _, l in ipairs(answer) do
    local range = l.targetSelectionRange or l.range
    table.insert(out, {
      file = relative(l.targetUri or l.uri),
      line = range.start.line,
      character = range.start.character,
    })
  end
  table.sort(out, function(a, b)
    if a.file ~= b.file then
      return a.file < b.file
    end
    if a.line ~= b.line then
      return a.line < b.line
    end
    return a.character < b.character
  end)
  return out
end

-- A WorkspaceEdit as { file = { {line, character, end_line, end_character, new_text}... } }.
local function flat_edits(edit)
  local edits = {}
  local function add(uri, list)
    local file = relative(uri)
    edits[file] = edits[file] or {}
    for _, e in ipairs(list) do
      table.insert(edits[file], {
        line = e.range.start.line,
        character = e.range.start.character,
        end_line = e.range["end"].line,
        end_character = e.range["end"].character,
        new_text = e.newText,
      })
    end
    table.sort(edits[file], function(a, b)
      return a.line < b.line or (a.line == b.line and a.character < b.character)
    end)
  end
  for uri, list in pairs(edit.changes or {}) do
    add(uri, list)
  end
  for _, change in ipairs(edit.documentChanges or {}) do
    if change.textDocument then
      add(change.textDocument.uri, change.edits)
    end
  end
  return edits
end

local function buffer_text(bufnr)
  return table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), "\n")
end

local function session()
  vim.g.lsmc_cmd = { env("LSMC_BIN"), "lsp" }
  -- Saving compiles the project over this inventory (an empty one), as `lsmc compile` does.
  vim.g.lsmc_settings = { inventory = "inventory.json" }
  -- What a user's Neovim does at startup, and `-u NONE` skips.
  vim.cmd("filetype on")
  vim.cmd("luafile " .. vim.fn.fnameescape(env("LSMC_NVIM_CONFIG")))
  vim.cmd("set noswapfile hidden")

  -- Opening the file: the configuration gives it the filetype and starts the server.
  vim.cmd("edit " .. vim.fn.fnameescape(project .. "/main.cf"))
  local main = vim.api.nvim_get_current_buf()
  record("filetype", vim.bo[main].filetype)
  local client
  if not vim.wait(WAIT_MS, function()
    client = clients()[1]
    return client ~= nil and client.initialized == true
  end, 20) then
    fail("no language server started for main.cf")
  end
  local provided = {}
  for key, value in pairs(client.server_capabilities or {}) do
    if value and value ~= vim.NIL then
      table.insert(provided, key)
    end
  end
  table.sort(provided)
  record("capabilities", provided)

  -- The diagnostics of the file as it is on disk.
  local opened = wait_diagnostics(main, 0, "on open", function(d)
    return #d > 0
  end)
  record("diagnostics_on_open", summarize(opened))
  record("shown_on_open", #vim.diagnostic.get(main))

  -- The quick fixes offered for it, as `vim.lsp.buf.code_action()` asks them.
  local actions = {}
  for _, action in ipairs(request(main, "textDocument/codeAction", {
    textDocument = { uri = uri_of(main) },
    range = opened[1].range,
    context = { diagnostics = opened },
  }) or {}) do
    table.insert(actions, {
      title = action.title,
      kind = action.kind or vim.NIL,
      edits = action.edit and flat_edits(action.edit) or vim.NIL,
    })
  end
  record("code_actions_on_open", actions)

  -- Typing the fix of the misspelt entity name.
  local seen = #publications(main)
  local typo = position_of(main, "Routr(")
  vim.api.nvim_win_set_cursor(0, { typo.line + 1, typo.character })
  vim.cmd("normal! ciwRouter")
  record("line_after_fix", vim.api.nvim_buf_get_lines(main, typo.line, typo.line + 1, false)[1])
  record("diagnostics_after_fix", summarize(wait_diagnostics(main, seen, "after the fix", function(d)
    return #d == 0
  end)))
  record("shown_after_fix", #vim.diagnostic.get(main))

  -- Hover on a use of the entity, and on an attribute of the module's entity.
  local hover = request(main, "textDocument/hover", at(main, position_of(main, "Router(", 1, 1)))
  local function hover_text(answer)
    if answer == nil or answer == vim.NIL then
      return vim.NIL
    end
    -- MarkupContent, a MarkedString or a list of them.
    local contents = answer.contents
    if type(contents) == "string" or contents.value then
      contents = { contents }
    end
    local parts = {}
    for _, part in ipairs(contents) do
      table.insert(parts, type(part) == "string" and part or part.value)
    end
    return table.concat(parts, "\n")
  end
  record("hover_entity", hover_text(hover))
  record(
    "hover_inherited_attribute",
    hover_text(request(main, "textDocument/hover", at(main, position_of(main, 'name="core"', 1, 1))))
  )

  -- Go to definition: a module's entity, and a variable.
  record(
    "definition_module_entity",
    locations(request(main, "textDocument/definition", at(main, position_of(main, "Device", 1, 2))))
  )
  record(
    "definition_variable",
    locations(request(main, "textDocument/definition", at(main, position_of(main, "core.mtu", 1, 1))))
  )

  -- Find references of the module's entity, from its use in main.cf, declaration included.
  local device = at(main, position_of(main, "Device", 1, 2))
  device.context = { includeDeclaration = true }
  record("references_module_entity", locations(request(main, "textDocument/references", device)))

  -- The outline of main.cf, and the project's symbols that match a query.
  local outline = {}
  local function add_symbols(symbols, prefix)
    for _, symbol in ipairs(symbols or {}) do
      table.insert(outline, prefix .. symbol.name)
      add_symbols(symbol.children, prefix .. symbol.name .. ".")
    end
  end
  add_symbols(request(main, "textDocument/documentSymbol", { textDocument = { uri = uri_of(main) } }), "")
  record("document_symbols", outline)
  local found = {}
  for _, symbol in ipairs(request(main, "workspace/symbol", { query = "Device" }) or {}) do
    table.insert(found, {
      name = symbol.name,
      container = symbol.containerName or vim.NIL,
      file = relative(symbol.location.uri),
      line = symbol.location.range.start.line,
    })
  end
  record("workspace_symbols", found)

  -- Completion while typing: attributes after `.`, definitions after `ns::`.
  seen = #publications(main)
  local last = vim.api.nvim_buf_line_count(main)
  vim.api.nvim_win_set_cursor(0, { last, 0 })
  -- A script's changes are one undo block unless it is closed, as typing closes it.
  vim.cmd("let &undolevels = &undolevels")
  vim.cmd("normal! ostd::print(edge.)\rgateway = net::")
  local function labels(answer)
    local out = {}
    local items = type(answer) == "table" and (answer.items or answer) or {}
    for _, item in ipairs(items) do
      table.insert(out, item.label)
    end
    return out
  end
  record(
    "completion_after_dot",
    labels(request(main, "textDocument/completion", at(main, position_of(main, "edge.)", 1, 5))))
  )
  record(
    "completion_after_namespace",
    labels(request(main, "textDocument/completion", at(main, position_of(main, "= net::", 1, 7))))
  )
  record(
    "diagnostics_while_typing",
    summarize(wait_diagnostics(main, seen, "while typing", function(d)
      return #d > 0
    end))
  )
  seen = #publications(main)
  vim.cmd("normal! u")
  record("diagnostics_after_undo", summarize(wait_diagnostics(main, seen, "after undo", function(d)
    return #d == 0
  end)))

  -- Rename the module's entity from its use in main.cf; the edit is applied as the editor
  -- applies it, which opens the module's file.
  local rename_at = at(main, position_of(main, "Device", 1, 2))
  local prepared = request(main, "textDocument/prepareRename", rename_at)
  if prepared == nil or prepared == vim.NIL then
    fail("textDocument/prepareRename: the entity can not be renamed")
  end
  local range = prepared.range or prepared
  record("prepare_rename", {
    line = range.start.line,
    character = range.start.character,
    end_character = range["end"].character,
    placeholder = prepared.placeholder or vim.NIL,
  })
  rename_at.newName = "Host"
  local edit = request(main, "textDocument/rename", rename_at)
  if edit == nil or edit == vim.NIL then
    fail("textDocument/rename: no edit")
  end
  record("rename_edits", flat_edits(edit))
  seen = #publications(main)
  vim.lsp.util.apply_workspace_edit(edit, client.offset_encoding or "utf-16")
  local module = vim.fn.bufnr(project .. "/libs/net/model/_init.cf")
  if module < 0 then
    fail("the rename did not open libs/net/model/_init.cf")
  end
  local attached = vim.lsp.get_clients and vim.lsp.get_clients({ bufnr = module })
    or vim.lsp.buf_get_clients(module)
  record("module_attached", next(attached) ~= nil)
  wait_diagnostics(main, seen, "after the rename", function(d)
    return #d == 0
  end)
  -- The edits of both files reach the server one by one: what counts is where it settles.
  vim.wait(500)
  local function latest(bufnr)
    local list = publications(bufnr)
    return summarize(list[#list] or {})
  end
  record("diagnostics_after_rename", { ["main.cf"] = latest(main), ["libs/net/model/_init.cf"] = latest(module) })
  record("main_after_rename", buffer_text(main))
  record("module_after_rename", buffer_text(module))
  vim.cmd("silent wall")

  -- An error only evaluation finds: checked as typed, it is reported when the file is saved.
  vim.cmd("let &undolevels = &undolevels")
  seen = #publications(main)
  vim.api.nvim_win_set_cursor(0, { vim.api.nvim_buf_line_count(main), 0 })
  vim.cmd("normal! ocore.mtu = 9000")
  record("diagnostics_while_typing_evaluation_error", summarize(wait_diagnostics(main, seen, "after typing", function(d)
    return #d == 0
  end)))
  seen = #publications(main)
  vim.cmd("silent write")
  record("diagnostics_on_save", summarize(wait_diagnostics(main, seen, "on save", function(d)
    return #d > 0
  end)))
  seen = #publications(main)
  vim.cmd("normal! u")
  vim.cmd("silent write")
  record("diagnostics_on_save_after_undo", summarize(wait_diagnostics(main, seen, "on save after undo", function(d)
    return #d == 0
  end)))

  -- Leaving: the server is asked to shut down and must exit by itself.
  vim.lsp.stop_client(client.id)
  if not vim.wait(WAIT_MS, function()
    return #exits > 0
  end, 20) then
    fail("the server did not exit after shutdown")
  end
  record("server_exit", exits[1])
end

local ok, err = xpcall(session, debug.traceback)
if not ok then
  fail(tostring(err))
end
local file = io.open(env("LSMC_RESULT"), "w")
file:write(vim.fn.json_encode(result))
file:close()
vim.cmd("qall!")
