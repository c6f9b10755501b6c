// Package prompts holds the assistant's prompt templates (.md static, .md.tmpl templates) and
// the one Go file that embeds and renders them; a content hash of each is its prompt version.
//
// It imports nothing of ours.
package prompts
