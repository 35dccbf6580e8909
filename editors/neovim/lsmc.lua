-- lsmc for Neovim: Inmanta models (*.cf) get the `inmanta` filetype, and every buffer of that
-- filetype is attached to one `lsmc lsp` per project. Works with Neovim 0.7 and later, without
-- plugins. Load it from init.lua (`require("lsmc")` when it is in ~/.config/nvim/lua/, or
-- `dofile("/path/to/lsmc.lua")`).
--
-- Settings, read when a buffer is opened:
--   vim.g.lsmc_cmd = { "/path/to/lsmc", "lsp" }   -- the server command (default: lsmc on PATH)
--   vim.g.lsmc_settings = { ... }                  -- sent as initializationOptions

-- `.cf` is ColdFusion in Neovim's own filetype table; Inmanta takes it over.
if vim.fn.has("nvim-0.8") == 1 then
  vim.filetype.add({ extension = { cf = "inmanta" } })
else
  vim.api.nvim_create_autocmd({ "BufRead", "BufNewFile" }, {
    pattern = "*.cf",
    command = "set filetype=inmanta",
  })
end

-- The project a file belongs to: the nearest folder above it with a project.yml, else with a
-- main.cf, else the file's own folder.
local function project_root(file)
  local dir = vim.fn.fnamemodify(file, ":p:h")
  for _, marker in ipairs({ "project.yml", "main.cf" }) do
    local found = vim.fn.findfile(marker, dir .. ";")
    if found ~= "" then
      return vim.fn.fnamemodify(found, ":p:h")
    end
  end
  return dir
end

local function config(root)
  return {
    name = "lsmc",
    cmd = vim.g.lsmc_cmd or { "lsmc", "lsp" },
    root_dir = root,
    init_options = vim.g.lsmc_settings,
    -- The server checks as you type; a short pause keeps it from checking every keystroke.
    flags = { debounce_text_changes = 50 },
  }
end

-- Neovim 0.7 has no vim.lsp.start: one client per project root, started on first use.
local clients = {}
local function attach(bufnr)
  local file = vim.api.nvim_buf_get_name(bufnr)
  if file == "" then
    return
  end
  local root = project_root(file)
  if vim.lsp.start then
    vim.lsp.start(config(root), { bufnr = bufnr })
    return
  end
  local id = clients[root]
  if not id or not vim.lsp.get_client_by_id(id) then
    id = vim.lsp.start_client(config(root))
    clients[root] = id
  end
  if id then
    vim.lsp.buf_attach_client(bufnr, id)
  end
end

vim.api.nvim_create_autocmd("FileType", {
  pattern = "inmanta",
  callback = function(args)
    attach(args.buf)
  end,
})

-- Inmanta's own conventions: four-space indents, `#` comments.
vim.api.nvim_create_autocmd("FileType", {
  pattern = "inmanta",
  callback = function(args)
    vim.bo[args.buf].commentstring = "# %s"
    vim.bo[args.buf].expandtab = true
    vim.bo[args.buf].shiftwidth = 4
    vim.bo[args.buf].softtabstop = 4
  end,
})
