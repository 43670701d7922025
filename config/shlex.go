package config

import (
	"errors"
	"strings"
)

const shlexSpace = " \t\r\n"

// splitCommand splits a command line like Python's shlex.split, which is
// what supervisord runs on command=: POSIX quoting, backslash escapes, no
// comments, no shell.
func splitCommand(s string) ([]string, error) {
	var args []string
	var tok strings.Builder
	inWord := false
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		switch {
		case strings.ContainsRune(shlexSpace, c):
			if inWord {
				args = append(args, tok.String())
				tok.Reset()
				inWord = false
			}
		case c == '\\':
			if i+1 >= len(rs) {
				return nil, errors.New("no escaped character after the final backslash")
			}
			i++
			tok.WriteRune(rs[i])
			inWord = true
		case c == '\'' || c == '"':
			n, err := quoted(rs[i:], &tok)
			if err != nil {
				return nil, err
			}
			i += n - 1
			inWord = true
		default:
			tok.WriteRune(c)
			inWord = true
		}
	}
	if inWord {
		args = append(args, tok.String())
	}
	return args, nil
}

// quoted copies a quoted run starting at rs[0] into tok and returns how many
// runes it used. Inside double quotes a backslash escapes only the quote and
// itself, as POSIX shlex does.
func quoted(rs []rune, tok *strings.Builder) (int, error) {
	q := rs[0]
	for i := 1; i < len(rs); i++ {
		c := rs[i]
		switch {
		case c == q:
			return i + 1, nil
		case c == '\\' && q == '"':
			if i+1 >= len(rs) {
				return 0, errors.New("no escaped character after the final backslash")
			}
			i++
			if rs[i] != q && rs[i] != '\\' {
				tok.WriteRune('\\')
			}
			tok.WriteRune(rs[i])
		default:
			tok.WriteRune(c)
		}
	}
	return 0, errors.New("no closing quotation")
}

// pyWordChars are shlex's word characters in non-POSIX mode plus the ones
// supervisord adds for environment=.
const pyWordChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_" + "/.+-():"

// lexKeyValues tokenizes like Python's shlex.shlex(s) in its default
// non-POSIX mode, the lexer behind supervisord's environment= parsing:
// quoted strings keep their quotes and end the token, "#" starts a comment,
// and any other character outside the word characters is a token alone.
func lexKeyValues(s string) ([]string, error) {
	var toks []string
	rs := []rune(s)
	for i := 0; i < len(rs); {
		c := rs[i]
		switch {
		case strings.ContainsRune(shlexSpace, c):
			i++
		case c == '#':
			i = skipLine(rs, i)
		case c == '\'' || c == '"':
			end := indexRune(rs, i+1, c)
			if end < 0 {
				return nil, errors.New("no closing quotation")
			}
			toks = append(toks, string(rs[i:end+1]))
			i = end + 1
		case strings.ContainsRune(pyWordChars, c):
			var tok string
			tok, i = lexWord(rs, i)
			toks = append(toks, tok)
		default:
			toks = append(toks, string(c))
			i++
		}
	}
	return toks, nil
}

// lexWord reads a word: in non-POSIX shlex, quotes inside a word are plain
// characters and a comment does not end the word.
func lexWord(rs []rune, i int) (string, int) {
	var b strings.Builder
	for i < len(rs) {
		c := rs[i]
		switch {
		case strings.ContainsRune(shlexSpace, c):
			return b.String(), i
		case c == '#':
			i = skipLine(rs, i)
		case strings.ContainsRune(pyWordChars, c) || c == '\'' || c == '"':
			b.WriteRune(c)
			i++
		default:
			return b.String(), i
		}
	}
	return b.String(), i
}

func skipLine(rs []rune, i int) int {
	for i < len(rs) && rs[i] != '\n' {
		i++
	}
	if i < len(rs) {
		i++
	}
	return i
}

func indexRune(rs []rune, from int, r rune) int {
	for i := from; i < len(rs); i++ {
		if rs[i] == r {
			return i
		}
	}
	return -1
}
