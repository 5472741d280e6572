package dev.qbi.deploy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Small helpers to walk parsed YAML/JSON trees and read CloudFormation intrinsic functions. */
final class Cfn {

  private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{(?!!)([^}]+)}");

  private Cfn() {}

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object value) {
    if (!(value instanceof Map)) {
      throw new AssertionError("expected a mapping but got: " + value);
    }
    return (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object value) {
    if (!(value instanceof List)) {
      throw new AssertionError("expected a list but got: " + value);
    }
    return (List<Object>) value;
  }

  /** A value or a one-element list, as IAM allows for Action and Resource. */
  static List<Object> listOrSingle(Object value) {
    return value instanceof List ? list(value) : List.of(value);
  }

  /** The value at a path of mapping keys, or null when a key is missing. */
  static Object at(Object root, String... keys) {
    Object current = root;
    for (String key : keys) {
      if (!(current instanceof Map)) {
        return null;
      }
      current = map(current).get(key);
    }
    return current;
  }

  static Map<String, Object> mapAt(Object root, String... keys) {
    Object value = at(root, keys);
    if (value == null) {
      throw new AssertionError("missing " + String.join(".", keys));
    }
    return map(value);
  }

  /** An integer property that YAML may hold as a number or as a string. */
  static int integer(Object value) {
    if (value instanceof Number number) {
      return number.intValue();
    }
    if (value instanceof String text) {
      return Integer.parseInt(text.trim());
    }
    throw new AssertionError("expected an integer but got: " + value);
  }

  /**
   * A resource reference in a readable normal form: {@code {"Ref": X}} gives {@code X}, {@code
   * {"Fn::GetAtt": [X, Arn]}} gives {@code X.Arn}, {@code {"Fn::Sub": "${X.Arn}/*"}} gives {@code
   * ${X.Arn}/*}, a plain string stays itself. Anything else is described by its toString.
   */
  static String describe(Object value) {
    if (value instanceof String text) {
      return text;
    }
    if (value instanceof Map<?, ?> m && m.size() == 1) {
      Object ref = m.get("Ref");
      if (ref instanceof String name) {
        return name;
      }
      Object getAtt = m.get("Fn::GetAtt");
      if (getAtt instanceof List<?> parts && parts.size() == 2) {
        return parts.get(0) + "." + parts.get(1);
      }
      Object sub = m.get("Fn::Sub");
      if (sub instanceof String template) {
        return template;
      }
    }
    return String.valueOf(value);
  }

  /** The ${...} variables of an Fn::Sub string ({@code ${!Literal}} excluded). */
  static Set<String> subVariables(String template) {
    Set<String> names = new LinkedHashSet<>();
    Matcher m = SUB_VARIABLE.matcher(template);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  /**
   * Every resource logical id that a tree refers to through Ref, Fn::GetAtt or an Fn::Sub string
   * variable; pseudo parameters (AWS::...) are left out. {@code X.Alias} (SAM's alias reference) is
   * reported as {@code X.Alias}; {@code ${X.Attr}} in a Sub as {@code X}.
   */
  static Set<String> referencedNames(Object tree) {
    Set<String> names = new LinkedHashSet<>();
    collectReferences(tree, names);
    return names;
  }

  private static void collectReferences(Object node, Set<String> names) {
    if (node instanceof Map<?, ?> m) {
      for (Map.Entry<?, ?> e : m.entrySet()) {
        Object key = e.getKey();
        Object value = e.getValue();
        if ("Ref".equals(key) && value instanceof String name) {
          addName(name, names);
        } else if ("Fn::GetAtt".equals(key) && value instanceof List<?> parts && !parts.isEmpty()) {
          addName(String.valueOf(parts.get(0)), names);
        } else if ("Fn::Sub".equals(key)) {
          List<Object> form = value instanceof List ? list(value) : List.of(value);
          Set<String> local = new LinkedHashSet<>();
          if (form.size() > 1 && form.get(1) instanceof Map<?, ?> vars) {
            vars.keySet().forEach(k -> local.add(String.valueOf(k)));
            collectReferences(vars, names);
          }
          if (form.get(0) instanceof String template) {
            for (String variable : subVariables(template)) {
              String resource = variable.contains(".") ? variable.split("\\.")[0] : variable;
              if (!local.contains(variable)) {
                addName(resource, names);
              }
            }
          }
        } else {
          collectReferences(value, names);
        }
      }
    } else if (node instanceof List<?> l) {
      for (Object item : l) {
        collectReferences(item, names);
      }
    }
  }

  private static void addName(String name, Set<String> names) {
    if (!name.startsWith("AWS::")) {
      names.add(name);
    }
  }

  /** Every value in a tree (depth first), for searches. */
  static List<Object> allNodes(Object tree) {
    List<Object> out = new ArrayList<>();
    walk(tree, out);
    return out;
  }

  private static void walk(Object node, List<Object> out) {
    out.add(node);
    if (node instanceof Map<?, ?> m) {
      for (Object v : m.values()) {
        walk(v, out);
      }
    } else if (node instanceof List<?> l) {
      for (Object v : l) {
        walk(v, out);
      }
    }
  }
}
