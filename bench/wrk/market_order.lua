-- The outside-client check (bench/README.md): wrk posting small market orders to the OMS
-- (or to the echo server, which answers the same route). Buys and sells alternate, so the
-- demo account's position stays flat and no order is refused by a position limit.
--   wrk -t1 -c16 -d10s -s bench/wrk/market_order.lua http://127.0.0.1:PORT
-- A valid run has no "Non-2xx or 3xx responses" line; the first few refusals are printed.
local buy, sell
local sent, shown = 0, 0

local function order(side)
  return wrk.format("POST", "/orders", {
    ["Host"] = wrk.host,
    ["Content-Type"] = "application/json",
    ["x-api-key"] = "test-key",
  }, '{"symbol":"BTCUSDT","side":"' .. side .. '","quantity":0.001,"order_type":"MARKET"}')
end

init = function(args)
  buy = order("buy")
  sell = order("sell")
end

request = function()
  sent = sent + 1
  if sent % 2 == 0 then return sell end
  return buy
end

response = function(status, headers, body)
  if status ~= 200 and shown < 3 then
    shown = shown + 1
    io.write("refused: ", status, " ", body, "\n")
  end
end
