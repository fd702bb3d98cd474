package discord_test

import (
	"net/url"
	"testing"

	"briefbot/bot/discord"
)

func TestInviteURL(t *testing.T) {
	u, err := url.Parse(discord.InviteURL(appID))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if u.Scheme != "https" || u.Host != "discord.com" || u.Path != "/oauth2/authorize" {
		t.Errorf("InviteURL = %s, want https://discord.com/oauth2/authorize", u)
	}
	// View Channel (1<<10), Send Messages (1<<11), Embed Links (1<<14), Read Message History (1<<16).
	if q.Get("client_id") != appID || q.Get("scope") != "bot applications.commands" || q.Get("permissions") != "84992" ||
		q.Get("integration_type") != "0" || len(q) != 4 {
		t.Errorf("InviteURL query = %v", q)
	}
}

func TestUserInstallURL(t *testing.T) {
	u, err := url.Parse(discord.UserInstallURL(appID))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if u.Scheme != "https" || u.Host != "discord.com" || u.Path != "/oauth2/authorize" {
		t.Errorf("UserInstallURL = %s, want https://discord.com/oauth2/authorize", u)
	}
	// A user installation takes commands only: no bot user, no permissions in any server.
	if q.Get("client_id") != appID || q.Get("scope") != "applications.commands" || q.Get("integration_type") != "1" || q.Has("permissions") ||
		len(q) != 3 {
		t.Errorf("UserInstallURL query = %v", q)
	}
}
