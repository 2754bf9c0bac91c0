; Highlighting for .ops files (tree-sitter query).

(comment) @comment

["import" "as" "param" "when" "for" "in" "where" "require" "deny"] @keyword
["all" "any" "none" "count"] @keyword.operator
["and" "or" "not"] @keyword.operator

(block type: (identifier) @type)
(block label: (string) @label)
(block label: (identifier) @label)
(block label: (reference) @label)

(attribute name: (identifier) @property)
(pair key: (identifier) @property)
(param name: (identifier) @variable.parameter)
(for variable: (identifier) @variable)
(quantifier variable: (identifier) @variable)

(call function: (identifier) @function.call)
(reference member: (identifier) @property)

(string) @string
(raw_string) @string.special
(escape_sequence) @string.escape
(interpolation ["${" "}"] @punctuation.special)

(number) @number
(unit_number) @number
(percent) @number
(port) @number
(boolean) @boolean
(null) @constant.builtin

["=" "==" "!=" "<" "<=" ">" ">=" "=~" "!~" "&&" "||" "!" "+" "-" "*" "/"] @operator
["{" "}" "[" "]" "(" ")"] @punctuation.bracket
["," "." ":"] @punctuation.delimiter
