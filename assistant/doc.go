// Package assistant answers questions and writes briefings: the LLM client (go-openai), token
// budgets (tiktoken-go with an offline BPE loader), the semantic layer that compiles questions to
// query specs and SQL, the guards on free SQL, and the offline fallbacks that work without an LLM.
//
// It may import models, store, analytics, sql and prompts; it is the only package that imports
// go-openai and tiktoken-go.
package assistant
