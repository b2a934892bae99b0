-- A reader: GETs the paths of a file (one per line, named after --) in turn, as they
-- would come from the TLS proxy (X-Forwarded-Proto). Each thread starts at another path.
local paths = {}
local turn = 1
local headers

function init(args)
  for line in io.lines(args[1]) do
    if line ~= "" then
      table.insert(paths, line)
    end
  end
  turn = ((id or 1) - 1) % #paths + 1
  headers = { Host = wrk.headers["Host"], ["X-Forwarded-Proto"] = "https" }
end

function request()
  local path = paths[turn]
  turn = turn % #paths + 1
  return wrk.format("GET", path, headers)
end
