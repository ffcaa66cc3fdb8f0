-- wrk script for POST /api/transfers and its ceiling, POST /bench/tpcb (loadtest/bench.py).
--
--   wrk -t2 -c16 -d5s -s loadtest/wrk/transfers.lua http://127.0.0.1:8000 -- \
--       /api/transfers /tmp/transfer-ids-round1 ID:TOKEN:NUMBER ID:TOKEN:NUMBER ...
--
-- Arguments after "--": the path to POST to, a prefix for the files that list the "id"
-- of every 201's body (one file per wrk thread; "-" writes none), then the hot
-- accounts, each as "account id:owner's bearer token:account number". Every request sends
-- a fresh Idempotency-Key and moves 0.01 USD from a random hot account, with its owner's
-- token, to a different random hot account. At the end it prints one line,
-- "statuses created=N client_errors=N server_errors=N other=N", that bench.py parses.

local threads = {}

function setup(thread)
   thread:set("thread_id", #threads + 1)
   table.insert(threads, thread)
end

function init(args)
   path = args[1]
   ids_prefix = args[2]
   accounts = {}
   for index = 3, #args do
      local id, token, number = args[index]:match("^(%d+):([^:]+):(%d+)$")
      if not id then
         error("hot account argument must be ID:TOKEN:NUMBER, not " .. args[index])
      end
      table.insert(accounts, { id = id, token = token, number = number })
   end
   if path == nil or #accounts < 2 then
      error("usage: -- PATH IDS_PREFIX ID:TOKEN:NUMBER ID:TOKEN:NUMBER ...")
   end
   math.randomseed(os.time() * 1000 + thread_id)
   run = string.format("%x-%d", os.time(), thread_id)
   sent = 0
   created, client_errors, server_errors, other = 0, 0, 0, 0
   ids_file = nil
   if ids_prefix ~= "-" then
      ids_file = assert(io.open(ids_prefix .. "-" .. thread_id, "w"))
   end
end

function request()
   local source_index = math.random(#accounts)
   local destination_index = math.random(#accounts - 1)
   if destination_index >= source_index then
      destination_index = destination_index + 1
   end
   local source, destination = accounts[source_index], accounts[destination_index]
   sent = sent + 1
   local key = run .. "-" .. sent
   local body = string.format(
      '{"source_account": %s, "destination_account_number": "%s", "amount": "0.01", "currency": "USD"}',
      source.id,
      destination.number
   )
   return wrk.format("POST", path, {
      ["Content-Type"] = "application/json",
      ["Authorization"] = "Bearer " .. source.token,
      ["Idempotency-Key"] = key,
   }, body)
end

function response(status, headers, body)
   if status == 201 then
      created = created + 1
      if ids_file then
         ids_file:write(body:match('"id":%s*(%d+)') or "?", "\n")
         ids_file:flush()
      end
   elseif status >= 500 then
      server_errors = server_errors + 1
   elseif status >= 400 then
      client_errors = client_errors + 1
   else
      other = other + 1
   end
end

function done(summary, latency, requests)
   local totals = { created = 0, client_errors = 0, server_errors = 0, other = 0 }
   for _, thread in ipairs(threads) do
      for name, _ in pairs(totals) do
         totals[name] = totals[name] + (thread:get(name) or 0)
      end
   end
   io.write(string.format(
      "statuses created=%d client_errors=%d server_errors=%d other=%d\n",
      totals.created, totals.client_errors, totals.server_errors, totals.other
   ))
end
