package account

import "embed"

//go:embed views/*.html
var viewFiles embed.FS

//go:embed static
var staticFiles embed.FS
