package config

import (
	"fmt"
	"strings"
)

// parseKeyValues reads environment=KEY=val,KEY2="v,2" exactly as
// supervisord's dict_of_key_value_pairs: tokens come in fours (key, "=",
// value, separator), surrounding quotes are stripped from the value, and a
// key given twice keeps its first place with its last value. supervisord
// drops whatever token sits where the comma should be, so A=hello world
// silently means A=hello; that case gets a warning.
func parseKeyValues(s string) (vars []EnvVar, warns []string, err error) {
	toks, err := lexKeyValues(s)
	if err != nil {
		return nil, nil, fmt.Errorf("%v in %q", err, s)
	}
	index := map[string]int{}
	for i := 0; i < len(toks); i += 4 {
		if i+2 >= len(toks) || toks[i+1] != "=" {
			return nil, nil, fmt.Errorf("unexpected end of key/value pairs in %q: want KEY=value,KEY2=\"value 2\"", s)
		}
		k, v := toks[i], strings.Trim(toks[i+2], `'"`)
		if i+3 < len(toks) && toks[i+3] != "," {
			warns = append(warns, fmt.Sprintf("%q after %s=%s is ignored (as supervisord does): quote values with spaces or special characters and separate pairs with commas", toks[i+3], k, toks[i+2]))
		}
		if j, ok := index[k]; ok {
			vars[j].Value = v
			continue
		}
		index[k] = len(vars)
		vars = append(vars, EnvVar{Key: k, Value: v})
	}
	return vars, warns, nil
}
