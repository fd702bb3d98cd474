package bot

import "errors"

// A SettingProblem is one thing wrong with an adapter's settings, as the adapter's own Check
// finds it: the key under the platform's section of the config ("" for the section), the list
// index for list keys (-1 otherwise), and what is wrong. It never quotes a value that may be a
// secret.
type SettingProblem struct {
	Platform string
	Key      string
	Index    int
	Message  string
}

func (p SettingProblem) Error() string {
	if p.Key == "" {
		return p.Platform + ": " + p.Message
	}
	return p.Platform + "." + p.Key + ": " + p.Message
}

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
