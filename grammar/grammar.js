/**
 * Grammar of the opsc policy language (.ops).
 *
 * HCL-like: a file is a list of imports and blocks; a block is a type word,
 * zero or more labels and a body of attributes, nested blocks and policy
 * statements. Attributes need no separator (`a = 1  b = 2` on one line is
 * fine), so no expression may continue with a bare word: there is no binary
 * `in`; membership is `contains(list, x)`.
 *
 * Words such as `for`, `in`, `deny` are keywords only where a statement or
 * quantifier starts; as attribute names (`for = 5m`, `in = all`) they are
 * plain identifiers, so every keyword is aliased back to `identifier` in
 * `_attr_name` and `_name`.
 */

const PREC = {
  or: 1,
  and: 2,
  not: 3,
  compare: 4,
  add: 5,
  mul: 6,
  unary: 7,
  postfix: 8,
};

const KEYWORDS = ['import', 'as', 'param', 'when', 'for', 'in', 'where',
  'require', 'deny', 'all', 'any', 'none', 'count', 'true', 'false', 'null',
  'and', 'or', 'not'];

module.exports = grammar({
  name: 'ops',

  word: $ => $.identifier,

  extras: $ => [/\s/, $.comment],

  supertypes: $ => [$._expression],

  rules: {
    source_file: $ => repeat($._item),

    _item: $ => choice($.import, $.param, $.block),

    // import "std/alerts"    import "./teams.ops" as teams
    import: $ => seq('import', field('path', $.string), optional(seq('as', field('alias', $._name)))),

    // param cpu = 80%        param owner : string
    param: $ => seq('param', field('name', $._name),
      optional(seq(':', field('type', $._name))),
      optional(seq('=', field('default', $._expression)))),

    // TYPE LABEL* { BODY }
    block: $ => seq(field('type', $.identifier), repeat(field('label', $._label)), field('body', $.body)),

    _label: $ => choice($.string, $.identifier, $.reference),

    body: $ => seq('{', repeat($._statement), '}'),

    _statement: $ => choice($.attribute, $.block, $.param, $.when, $.for, $.require, $.deny),

    // NAME = EXPR
    attribute: $ => seq(field('name', $._attr_name), '=', field('value', $._expression)),

    // when EXPR { BODY }
    when: $ => seq('when', field('condition', $._expression), field('body', $.body)),

    // for x in COLLECTION [where EXPR] { BODY }
    for: $ => seq('for', field('variable', $.identifier), 'in', field('collection', $._expression),
      optional(seq('where', field('filter', $._expression))), field('body', $.body)),

    // require EXPR [: "message"]
    require: $ => seq('require', field('condition', $._expression), optional(seq(':', field('message', $._string_like)))),
    deny: $ => seq('deny', field('condition', $._expression), optional(seq(':', field('message', $._string_like)))),

    _name: $ => choice($.identifier, ...KEYWORDS.map(k => alias(k, $.identifier))),
    _attr_name: $ => choice($.identifier, ...KEYWORDS.map(k => alias(k, $.identifier))),

    _expression: $ => choice(
      $.string, $.raw_string, $.number, $.unit_number, $.percent, $.port,
      $.boolean, $.null, $.identifier, $.reference, $.call, $.list, $.map,
      $.unary, $.binary, $.quantifier, $.parenthesized, $.index,
      alias(choice('all', 'any', 'none', 'count'), $.identifier),
    ),

    // env.production   role.app-developer   e.protect.approvals
    reference: $ => prec.left(PREC.postfix, seq(field('object', $._postfix_object), token.immediate('.'), field('member', alias($._member, $.identifier)))),
    _postfix_object: $ => choice($.identifier, $.reference, $.call, $.index, $.parenthesized),
    _member: $ => token.immediate(/[A-Za-z_][A-Za-z0-9_-]*/),

    index: $ => prec(PREC.postfix, seq(field('object', $._postfix_object), token.immediate('['), field('index', $._expression), ']')),

    call: $ => prec(PREC.postfix, seq(field('function', $.identifier), token.immediate('('), commaSep($._expression), optional(','), ')')),

    list: $ => seq('[', commaSep($._expression), optional(','), ']'),

    // { tier = "critical", "app.kubernetes.io/name" = "x" }
    map: $ => seq('{', commaSep($.pair), optional(','), '}'),
    pair: $ => seq(field('key', choice($._attr_name, $.string)), '=', field('value', $._expression)),

    parenthesized: $ => seq('(', $._expression, ')'),

    unary: $ => prec(PREC.unary, seq(field('operator', choice('!', '-')), field('operand', $._expression))),

    binary: $ => choice(
      ...[
        ['||', PREC.or], ['or', PREC.or],
        ['&&', PREC.and], ['and', PREC.and],
        ['==', PREC.compare], ['!=', PREC.compare], ['<', PREC.compare],
        ['<=', PREC.compare], ['>', PREC.compare], ['>=', PREC.compare],
        ['=~', PREC.compare], ['!~', PREC.compare],
        ['+', PREC.add], ['-', PREC.add],
        ['*', PREC.mul], ['/', PREC.mul],
      ].map(([op, p]) => prec.left(p, seq(field('left', $._expression), field('operator', op), field('right', $._expression)))),
      prec(PREC.not, seq(field('operator', 'not'), field('right', $._expression))),
    ),

    // all(r in roles : r.verbs != ["*"])    count(e in environments where e.cluster == "pi")
    quantifier: $ => seq(field('kind', choice('all', 'any', 'none', 'count')), token.immediate('('),
      field('variable', $.identifier), 'in', field('collection', $._expression),
      optional(seq('where', field('filter', $._expression))),
      optional(seq(':', field('predicate', $._expression))), ')'),

    _string_like: $ => choice($.string, $.raw_string),

    string: $ => seq('"', repeat(choice($.string_content, $.escape_sequence, $.interpolation)), '"'),
    string_content: $ => choice(token.immediate(prec(1, /[^"\\$\n]+/)), token.immediate('$')),
    escape_sequence: $ => token.immediate(seq('\\', choice(/[\\"nrt$]/, /u\{[0-9a-fA-F]{1,6}\}/))),

    // `rate(x[5m]) > ${threshold}` : no escapes, may span lines, interpolates ${...}
    raw_string: $ => seq('`', repeat(choice(alias($._raw_content, $.string_content), $.interpolation)), '`'),
    _raw_content: $ => choice(token.immediate(prec(1, /[^`$]+/)), token.immediate('$')),

    interpolation: $ => seq(token.immediate('${'), $._expression, '}'),

    number: $ => /\d+(\.\d+)?/,
    // 5m 7d 1h30m 500m 64Gi 1.5 -- the unit is checked against the expected type
    unit_number: $ => /\d+(\.\d+)?[A-Za-z]+(\d+[A-Za-z]+)*/,
    percent: $ => /\d+(\.\d+)?%/,
    port: $ => /\d+(-\d+)?\/[A-Za-z]+/,
    boolean: $ => choice('true', 'false'),
    null: $ => 'null',

    identifier: $ => /[A-Za-z_][A-Za-z0-9_-]*/,

    comment: $ => token(choice(seq('#', /.*/), seq('//', /.*/), seq('/*', /[^*]*\*+([^/*][^*]*\*+)*/, '/'))),
  },
});

function commaSep(rule) {
  return optional(seq(rule, repeat(seq(',', rule))));
}
