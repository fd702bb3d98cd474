package main

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"briefbot/config"
)

// reloadChanges says what a reload changed, for the log and the audit trail: a moderator reads
// there whether the edit did what was meant.
type reloadChanges struct {
	digestsAdded, digestsRemoved, digestsChanged []string
	// digestsAltered say, digest by digest, what changed in the days it rests on and in how it
	// posts: `digest "morning": now skips 2026-12-24; posts in a thread`.
	digestsAltered                   []string
	briefingsAdded, briefingsRemoved []string
	briefingsChanged                 []string // "id old → new"
	needRestart                      []string // keys read only at start
}

// describeChanges compares the build in force with the one replacing it. Every value it quotes
// from a config is shown as that config shows it: one read from the environment only as where
// it came from and its length.
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
			c.digestsAdded = append(c.digestsAdded, next.cfg.Shown(d.Name))
		case was != shape:
			c.digestsChanged = append(c.digestsChanged, next.cfg.Shown(d.Name))
		}
		delete(oldDigests, d.Name)
	}
	for name := range oldDigests {
		c.digestsRemoved = append(c.digestsRemoved, old.cfg.Shown(name))
	}
	slices.Sort(c.digestsRemoved)

	written := map[string]config.Digest{}
	for _, d := range old.cfg.Digests {
		written[d.Name] = d
	}
	for _, d := range next.cfg.Digests {
		if was, ok := written[d.Name]; ok {
			if said := digestDifferences(old.cfg, next.cfg, was, d); len(said) > 0 {
				c.digestsAltered = append(c.digestsAltered, digestLabel(next.cfg, d.Name)+": "+strings.Join(said, "; "))
			}
		}
	}

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

// digestDifferences says what changed from was to now, one digest as two configs write it, in
// the days it rests on and in how it posts: "now skips 2026-12-24, 2026-12-31; holidays us, mx",
// "no longer skips calendar old.ics", "calendar closures.ics changed", "posts in a thread",
// "mentions S0123ABCD". A value that went is shown as the config it came from shows it.
func digestDifferences(oldCfg, newCfg *config.Config, was, now config.Digest) []string {
	var skips, unskips []string
	listed := func(kind string, before, after []string) {
		added, removed := listChanges(before, after)
		if len(added) > 0 {
			skips = append(skips, kind+strings.Join(shownAll(newCfg, added), ", "))
		}
		if len(removed) > 0 {
			unskips = append(unskips, kind+strings.Join(shownAll(oldCfg, removed), ", "))
		}
	}
	listed("", was.SkipDates, now.SkipDates)
	listed("holidays ", was.SkipHolidays, now.SkipHolidays)
	if was.Calendar != now.Calendar {
		listed("calendar ", nonEmpty(was.Calendar), nonEmpty(now.Calendar))
	}

	var said []string
	if len(skips) > 0 {
		said = append(said, "now skips "+strings.Join(skips, "; "))
	}
	if len(unskips) > 0 {
		said = append(said, "no longer skips "+strings.Join(unskips, "; "))
	}
	if was.Calendar == now.Calendar && was.CalendarVersion != now.CalendarVersion {
		said = append(said, "calendar "+newCfg.Shown(now.Calendar)+" changed")
	}
	switch {
	case was.Thread == now.Thread:
	case now.Thread:
		said = append(said, "posts in a thread")
	default:
		said = append(said, "no longer posts in a thread")
	}
	switch {
	case was.Mention == now.Mention:
	case now.Mention != "":
		said = append(said, "mentions "+newCfg.Shown(now.Mention))
	default:
		said = append(said, "no longer mentions anyone")
	}
	switch {
	case was.OnlyWhenChanged == now.OnlyWhenChanged:
	case now.OnlyWhenChanged:
		said = append(said, "posts only when its briefing changed")
	default:
		said = append(said, "posts whether or not its briefing changed")
	}
	return said
}

// listChanges are the values in after but not before, and those in before but not after, each
// in the order written.
func listChanges(before, after []string) (added, removed []string) {
	for _, v := range after {
		if !slices.Contains(before, v) {
			added = append(added, v)
		}
	}
	for _, v := range before {
		if !slices.Contains(after, v) {
			removed = append(removed, v)
		}
	}
	return added, removed
}

func shownAll(cfg *config.Config, values []string) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = cfg.Shown(v)
	}
	return out
}

// nonEmpty is v as a list: none when v is "".
func nonEmpty(v string) []string {
	if v == "" {
		return nil
	}
	return []string{v}
}

// digestLabel names a digest as config's messages do: quoted, or, when its name came from the
// environment, as where it came from.
func digestLabel(cfg *config.Config, name string) string {
	if cfg.Hidden(name) {
		return "digest " + cfg.Shown(name)
	}
	return "digest " + strconv.Quote(cfg.Shown(name))
}

// lists are the changes by kind, with a log key and words for the audit trail; a kind without
// words lists changes that each say what they are about.
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
		{"digests_changed", "", c.digestsAltered},
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
		switch {
		case len(l.list) == 0:
		case l.words == "":
			parts = append(parts, l.list...)
		default:
			parts = append(parts, l.words+" "+strings.Join(l.list, ", "))
		}
	}
	if len(parts) == 0 {
		return "nothing changed"
	}
	return strings.Join(parts, "; ")
}
