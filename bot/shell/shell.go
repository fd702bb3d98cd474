package shell

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"briefbot/bot"
)

// Caller is the local user: the operator, who may run admin commands.
func Caller() bot.Caller { return bot.Caller{Platform: "shell"} }

// Prompt is shown before each command line when a person is typing.
const Prompt = "briefbot> "

// Run answers command lines from in until it ends or the user types "quit". A prompt is shown only when prompt is true (a
// terminal); piped input gets answers alone, separated by blank lines.
func Run(ctx context.Context, core *bot.Core, in io.Reader, out io.Writer, prompt bool) error {
	if prompt {
		fmt.Fprintln(out, "briefbot: type /help for commands, quit to leave.")
	}
	scanner := bufio.NewScanner(in)
	scanner.Buffer(make([]byte, 0, 4096), 64*1024)
	answered := 0
	for {
		if prompt {
			fmt.Fprint(out, Prompt)
		}
		if !scanner.Scan() {
			break
		}
		if ctx.Err() != nil {
			return nil
		}
		line := strings.TrimSpace(scanner.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
			continue
		case line == "quit" || line == "exit":
			return nil
		}
		if answered > 0 && !prompt {
			fmt.Fprintln(out)
		}
		answered++
		if err := Render(out, core.Line(ctx, line, Caller()), Width); err != nil {
			return err
		}
		if prompt {
			fmt.Fprintln(out)
		}
	}
	if prompt {
		fmt.Fprintln(out)
	}
	if err := scanner.Err(); err != nil {
		return fmt.Errorf("read commands: %w", err)
	}
	return nil
}
