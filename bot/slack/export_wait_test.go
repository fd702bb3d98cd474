package slack

// WaitBackground waits for the work the Bot runs in the background (late answers, button
// answers) to finish, without ending it as Close does, so that a test reads what that work did.
// Only for a Bot without Socket Mode, whose connection never finishes on its own.
func WaitBackground(b *Bot) { b.wg.Wait() }
