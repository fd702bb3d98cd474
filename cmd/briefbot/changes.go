package main

import (
	"maps"
	"slices"
	"strings"
)

// reloadChanges says what a reload changed, for the log and the audit trail: a moderator reads
// there whether the edit did what was meant.
type reloadChanges struct {
	digestsAdded, digestsRemoved, digestsChanged []string
	briefingsAdded, briefingsRemoved             []string
	briefingsChanged                             []string // "id old → new"
	needRestart                                  []string // keys read only at start
}

// describeChanges compares the build in force with the one replacing it.
func describeChanges(old, next *build) reloadChanges {
	var c reloadChanges
	oldDigests := map[string]string{}
	for _, d := range old.digests {
		oldDigests[d.Name] = digestShape(d.Platform, d.Channels, d.Schedule.Spec(), d.Schedule.Zone().String(), d.Briefing)
	}
	for _, d := range next.digests {
		shape := digestShape(d.Platform, d.Channels, d.Schedule.Spec(), d.Schedule.Zone().String(), d.Briefing)
		was, ok := oldDigests[d.Name]
		switch {
		case !ok:
			c.digestsAdded = append(c.digestsAdded, d.Name)
		case was != shape:
			c.digestsChanged = append(c.digestsChanged, d.Name)
		}
		delete(oldDigests, d.Name)
	}
	for name := range oldDigests {
		c.digestsRemoved = append(c.digestsRemoved, name)
	}
	slices.Sort(c.digestsRemoved)

	oldVersions := map[string]string{}
	for _, b := range old.engine.Library().Briefings() {
		oldVersions[b.ID] = b.Version
	}
	for _, b := range next.engine.Library().Briefings() {
		was, ok := oldVersions[b.ID]
		switch {
		case !ok:
			c.briefingsAdded = append(c.briefingsAdded, b.ID+" "+b.Version)
		case was != b.Version:
			c.briefingsChanged = append(c.briefingsChanged, b.ID+" "+was+" → "+b.Version)
		}
		delete(oldVersions, b.ID)
	}
	for id := range oldVersions {
		c.briefingsRemoved = append(c.briefingsRemoved, id)
	}
	slices.Sort(c.briefingsRemoved)

	o, n := old.cfg, next.cfg
	restart := func(key string, changed bool) {
		if changed {
			c.needRestart = append(c.needRestart, key)
		}
	}
	restart("http.listen", o.HTTP.Listen != n.HTTP.Listen)
	restart("metrics.listen", o.Metrics.Listen != n.Metrics.Listen)
	restart("store.dsn", o.Store.DSN != n.Store.DSN)
	restart("log", o.Log != n.Log)
	restart("rate_limits", !maps.Equal(old.limits, next.limits))
	restart("discord (token, keys, gateway, application, REST base, servers)", o.Discord.Token != n.Discord.Token ||
		o.Discord.PublicKey != n.Discord.PublicKey || o.Discord.Gateway != n.Discord.Gateway ||
		o.Discord.ApplicationID != n.Discord.ApplicationID || o.Discord.APIURL != n.Discord.APIURL ||
		!slices.Equal(o.Discord.GuildIDs, n.Discord.GuildIDs))
	restart("slack (tokens, signing secret, Web API base)", o.Slack.BotToken != n.Slack.BotToken ||
		o.Slack.SigningSecret != n.Slack.SigningSecret || o.Slack.AppToken != n.Slack.AppToken ||
		o.Slack.APIURL != n.Slack.APIURL)
	return c
}

func digestShape(platform string, channels []string, spec, zone, briefing string) string {
	return strings.Join([]string{platform, strings.Join(channels, ","), spec, zone, briefing}, "|")
}

// lists are the changes by kind, with a log key and words for the audit trail.
func (c reloadChanges) lists() []struct {
	key, words string
	list       []string
} {
	return []struct {
		key, words string
		list       []string
	}{
		{"digests_added", "digests added:", c.digestsAdded},
		{"digests_removed", "digests removed:", c.digestsRemoved},
		{"digests_rescheduled", "digests rescheduled:", c.digestsChanged},
		{"briefings_added", "briefings added:", c.briefingsAdded},
		{"briefings_changed", "briefings changed:", c.briefingsChanged},
		{"briefings_removed", "briefings removed:", c.briefingsRemoved},
		{"restart_needed_for", "needs a restart:", c.needRestart},
	}
}

func (c reloadChanges) logArgs() []any {
	args := []any{}
	for _, l := range c.lists() {
		if len(l.list) > 0 {
			args = append(args, l.key, l.list)
		}
	}
	return args
}

// summary is one line for the audit trail.
func (c reloadChanges) summary() string {
	var parts []string
	for _, l := range c.lists() {
		if len(l.list) > 0 {
			parts = append(parts, l.words+" "+strings.Join(l.list, ", "))
		}
	}
	if len(parts) == 0 {
		return "nothing changed"
	}
	return strings.Join(parts, "; ")
}
