package discordtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// failing answers with the next of CommandFailures while there is one, else with next.
func (f *Fake) failing(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f.Mu.Lock()
		status := 0
		if len(f.CommandFailures) > 0 {
			status, f.CommandFailures = f.CommandFailures[0], f.CommandFailures[1:]
		}
		f.Mu.Unlock()
		if status == 0 {
			next(w, r)
			return
		}
		writeJSON(w, status, map[string]any{"message": http.StatusText(status), "code": 0})
	}
}

func (f *Fake) listCommands(w http.ResponseWriter, r *http.Request) {
	f.Mu.Lock()
	defer f.Mu.Unlock()
	f.Gets++
	cmds := f.Commands[r.URL.Path]
	if cmds == nil {
		cmds = []map[string]any{}
	}
	writeJSON(w, http.StatusOK, cmds)
}

// overwriteCommands stores commands as Discord lists them back: with ids and versions, the
// permissions as a string, and defaults for what was not sent.
func (f *Fake) overwriteCommands(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var in []map[string]any
	if err := json.Unmarshal(body, &in); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"message": "Invalid Form Body", "code": 50035})
		return
	}
	f.Mu.Lock()
	defer f.Mu.Unlock()
	f.Puts++
	f.PutPaths = append(f.PutPaths, r.URL.Path)
	f.PutBodies = append(f.PutBodies, body)
	var out []map[string]any
	for _, c := range in {
		id := f.id()
		c["id"], c["application_id"], c["version"] = id, r.PathValue("app"), id
		if c["type"] == nil {
			c["type"] = 1
		}
		switch p := c["default_member_permissions"].(type) {
		case float64:
			c["default_member_permissions"] = fmt.Sprint(int64(p))
		case nil:
			c["default_member_permissions"] = nil
		}
		if g := r.PathValue("guild"); g != "" {
			c["guild_id"] = g
		} else {
			c["dm_permission"] = true
		}
		// What Discord lists for a command registered without them: installed in servers, and
		// contexts null (its default, servers and the bot's DM).
		if c["integration_types"] == nil {
			c["integration_types"] = []int{0}
		}
		if _, sent := c["contexts"]; !sent {
			c["contexts"] = nil
		}
		c["nsfw"] = false
		c["name_localizations"], c["description_localizations"] = nil, nil
		out = append(out, c)
	}
	f.Commands[r.URL.Path] = out
	writeJSON(w, http.StatusOK, out)
}
