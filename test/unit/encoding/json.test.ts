import { describe, expect, it } from 'vitest';
import { marshalJson, unmarshalJson, decodeJsonPrefix } from '../../../src/encoding/json.js';
import { formatFloatG, formatJsonFloat } from '../../../src/encoding/gofloat.js';
import { GoStruct, newMap } from '../../../src/engine/types.js';

describe('marshalJson (encoding/json)', () => {
  it('sorts keys, escapes HTML and line separators', () => {
    expect(marshalJson({ b: '<a&b>', a: '\u2028', c: '\b\f\n\r\t\u0001"\\' })).toBe(
      '{"a":"\\u2028","b":"\\u003ca\\u0026b\\u003e","c":"\\b\\f\\n\\r\\t\\u0001\\"\\\\"}',
    );
    expect(marshalJson({ b: '<a>' }, { escapeHTML: false })).toBe('{"b":"<a>"}');
  });
  it('formats numbers like Go', () => {
    expect(marshalJson([1, 1.5, -0, 1e21, 1e20, 1e-7, 0.000001, 123456789012, 5n, -(2n ** 63n)])).toBe(
      '[1,1.5,-0,1e+21,100000000000000000000,1e-7,0.000001,123456789012,5,-9223372036854775808]',
    );
  });
  it('rejects NaN and Inf with Go\'s message', () => {
    expect(() => marshalJson(NaN)).toThrow('json: unsupported value: NaN');
    expect(() => marshalJson({ a: [Infinity] })).toThrow('json: unsupported value: +Inf');
  });
  it('[]byte is base64, nil is null, empty collections stay compact when indented', () => {
    expect(marshalJson({ b: new Uint8Array([104, 105]), n: null, e: {}, l: [] }, { indent: '  ' })).toBe(
      '{\n  "b": "aGk=",\n  "e": {},\n  "l": [],\n  "n": null\n}',
    );
  });
  it('structs use toJSON or exported fields', () => {
    class S extends GoStruct {
      readonly goTypeName = 'x.S';
      Name = 'n';
      hidden = 1;
    }
    expect(marshalJson(new S())).toBe('{"Name":"n"}');
  });
  it('sorts keys by UTF-8 bytes', () => {
    const m = newMap();
    m['\u{1F600}'] = 1;
    m['\uFFFD'] = 2;
    m['a'] = 3;
    expect(marshalJson(m)).toBe('{"a":3,"\uFFFD":2,"\u{1F600}":1}');
  });
});

describe('unmarshalJson', () => {
  it('decodes numbers as float64 and keeps the last duplicate key', () => {
    expect(unmarshalJson('{"a":1,"a":2.5,"b":[true,null,"x\\u00e9\\ud83d\\ude00"]}')).toEqual({ a: 2.5, b: [true, null, 'xé😀'] });
  });
  it('reports errors in Go\'s words', () => {
    expect(() => unmarshalJson('')).toThrow('unexpected end of JSON input');
    expect(() => unmarshalJson('{"a" 1}')).toThrow("invalid character '1' after object key");
    expect(() => unmarshalJson('[1,]')).toThrow("invalid character ']' looking for beginning of value");
    expect(() => unmarshalJson('{} x')).toThrow("invalid character 'x' after top-level value");
    expect(() => unmarshalJson('tru')).toThrow('unexpected end of JSON input');
    expect(() => unmarshalJson('1e999')).toThrow('json: cannot unmarshal number 1e999 into Go value of type float64');
  });
  it('decodeJsonPrefix stops after the first value', () => {
    expect(decodeJsonPrefix(' [1,2],b=3')).toEqual({ value: [1, 2], end: 6 });
    expect(decodeJsonPrefix('true,x')).toEqual({ value: true, end: 4 });
  });
});

describe('Go float formatting', () => {
  it("strconv 'g' with shortest precision", () => {
    expect(formatFloatG(1234567.5)).toBe('1.2345675e+06');
    expect(formatFloatG(123456.7)).toBe('123456.7');
    expect(formatFloatG(1e-5)).toBe('1e-05');
    expect(formatFloatG(0.0001)).toBe('0.0001');
    expect(formatFloatG(123456789, 32)).toBe('1.2345679e+08');
    expect(formatFloatG(0.1, 32)).toBe('0.1');
    expect(formatFloatG(-Infinity)).toBe('-Inf');
  });
  it('encoding/json float format', () => {
    expect(formatJsonFloat(1e-7)).toBe('1e-7');
    expect(formatJsonFloat(1.5e300)).toBe('1.5e+300');
    expect(formatJsonFloat(0.1)).toBe('0.1');
  });
});
