package bot

import (
	"errors"
	"fmt"
	"log/slog"
)

// A SettingProblem is one thing wrong with an adapter's settings, as the adapter's own Check
// finds it: the key under the platform's section of the config ("" for the section), the list
// index for list keys (-1 otherwise), and what is wrong. It never quotes a value that may be a
// secret.
type SettingProblem struct {
	Platform string
	Key      string
	Index    int
	// Format and Args say what is wrong, as for fmt.Sprintf. The values a message quotes stay
	// arguments, so that whoever prints it can tell one read from the environment and leave it
	// out, however short.
	Format string
	Args   []any
}

// Where names the setting: "slack.admin_user_ids", or the section alone.
func (p SettingProblem) Where() string {
	if p.Key == "" {
		return p.Platform
	}
	return p.Platform + "." + p.Key
}

func (p SettingProblem) Error() string { return p.Where() + ": " + fmt.Sprintf(p.Format, p.Args...) }

// Path is where the problem sits in the config: the platform's section, the key, the index.
func (p SettingProblem) Path() []any {
	path := []any{p.Platform}
	if p.Key != "" {
		path = append(path, p.Key)
	}
	if p.Index >= 0 {
		path = append(path, p.Index)
	}
	return path
}

// SettingsError joins problems into one error, nil when there are none.
func SettingsError(ps []SettingProblem) error {
	errs := make([]error, len(ps))
	for i, p := range ps {
		errs[i] = p
	}
	return errors.Join(errs...)
}

// CheckAdapter checks what a platform adapter's New is given: a core to answer through, and
// settings in which the adapter's own Check found no problem. It returns the logger to use:
// logger, or one that discards when it is nil.
func CheckAdapter(platform string, core *Core, problems []SettingProblem, logger *slog.Logger) (*slog.Logger, error) {
	if core == nil {
		return nil, fmt.Errorf("%s: no engine", platform)
	}
	if err := SettingsError(problems); err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return logger, nil
}
