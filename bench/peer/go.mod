module briefbot/bench/peer

go 1.26.8

require (
	briefbot v0.0.0
	github.com/disgoorg/disgo v0.18.15
)

require (
	github.com/disgoorg/json v1.2.0 // indirect
	github.com/disgoorg/snowflake/v2 v2.0.3 // indirect
	github.com/gorilla/websocket v1.5.3 // indirect
)

// The test key and its signing come from briefbot's discordtest, so that every endpoint in the
// comparison checks the same signatures.
replace briefbot => ../..
