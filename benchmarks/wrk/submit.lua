-- A source sending submissions through the real form, /submit/form/: each chain GETs the
-- form, then POSTs every step with the draft and CSRF token its last page gave, and sends.
-- A page's step number ("Step N of 7") picks the answers of line N of the answers file.
-- The chains of a thread's connections share one queue: everything a chain needs is in
-- the page it was answered with, so any connection may carry its next request.
--
-- Arguments after --: the CSRF cookie ("__Host-csrftoken=..."), the answers file, and a folder
-- where each thread writes the look-up half of every receipt code it is shown (the
-- non-secret half; the secret half never leaves the response), one per line.
local FORM = "/submit/form/"
local queue = {}
local answers = {}
local cookie, origin, receipts

accepted, refused, unexpected = 0, 0, 0

function init(args)
  cookie = args[1]
  for line in io.lines(args[2]) do
    table.insert(answers, line)
  end
  receipts = assert(io.open(args[3] .. "/receipts-" .. (id or 1) .. ".txt", "w"))
  origin = "https://" .. wrk.headers["Host"]
end

local function headers()
  return {
    Host = wrk.headers["Host"],
    ["X-Forwarded-Proto"] = "https",
    Cookie = cookie,
  }
end

function request()
  local body = table.remove(queue, 1)
  if body == nil then
    return wrk.format("GET", FORM, headers())
  end
  local posted = headers()
  posted["Origin"] = origin
  posted["Content-Type"] = "application/x-www-form-urlencoded"
  return wrk.format("POST", FORM, posted, body)
end

local function unescaped(text)
  return (text:gsub("&#x27;", "'"):gsub("&quot;", '"'):gsub("&lt;", "<"):gsub("&gt;", ">")
    :gsub("&amp;", "&"))
end

local function encoded(text)
  return (text:gsub("[^%w%-%._~]", function(char)
    return string.format("%%%02X", string.byte(char))
  end))
end

function response(status, response_headers, body)
  if status == 429 then -- the per-client limit of submissions: an expected refusal
    refused = refused + 1
    return
  end
  if status ~= 200 then
    unexpected = unexpected + 1
    return
  end
  local lookup = body:match('data%-testid="receipt%-code"[^>]*>%s*([0-9A-Z]+)')
  if lookup then
    accepted = accepted + 1
    receipts:write(lookup, "\n")
    receipts:flush()
    return
  end
  local step = tonumber(body:match("Step (%d+) of"))
  local draft = body:match('name="draft" value="([^"]+)"')
  local token = body:match('name="csrfmiddlewaretoken" value="([^"]+)"')
  if not (step and draft and token and answers[step]) then
    unexpected = unexpected + 1
    return
  end
  table.insert(queue, "csrfmiddlewaretoken=" .. encoded(unescaped(token))
    .. "&draft=" .. encoded(unescaped(draft)) .. "&" .. answers[step])
end
