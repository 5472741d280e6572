package dev.qbi.deploy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The parsed template.yaml with SAM's Globals applied the way SAM applies them to functions. */
final class SamTemplate {

  static final String FUNCTION = "AWS::Serverless::Function";

  private final Map<String, Object> root;

  SamTemplate(Map<String, Object> root) {
    this.root = root;
  }

  Map<String, Object> root() {
    return root;
  }

  Map<String, Object> resources() {
    return Cfn.mapAt(root, "Resources");
  }

  boolean has(String logicalId) {
    return resources().containsKey(logicalId);
  }

  Map<String, Object> resource(String logicalId) {
    Object resource = resources().get(logicalId);
    if (resource == null) {
      throw new AssertionError("template.yaml has no resource " + logicalId);
    }
    return Cfn.map(resource);
  }

  String type(String logicalId) {
    return (String) resource(logicalId).get("Type");
  }

  Map<String, Object> properties(String logicalId) {
    Object properties = resource(logicalId).get("Properties");
    return properties == null ? Map.of() : Cfn.map(properties);
  }

  List<String> idsOfType(String type) {
    return resources().keySet().stream().filter(id -> type.equals(type(id))).toList();
  }

  List<String> functionIds() {
    return idsOfType(FUNCTION);
  }

  private Map<String, Object> globalFunction() {
    Object globals = Cfn.at(root, "Globals", "Function");
    return globals == null ? Map.of() : Cfn.map(globals);
  }

  /** A function property: its own value, else the Globals.Function value, else null. */
  Object functionSetting(String function, String key) {
    Object own = properties(function).get(key);
    return own != null ? own : globalFunction().get(key);
  }

  /** The function's environment variables after SAM merges Globals into them. */
  Map<String, Object> functionVariables(String function) {
    Map<String, Object> merged = new LinkedHashMap<>();
    Object global = Cfn.at(globalFunction(), "Environment", "Variables");
    if (global != null) {
      merged.putAll(Cfn.map(global));
    }
    Object own = Cfn.at(properties(function), "Environment", "Variables");
    if (own != null) {
      merged.putAll(Cfn.map(own));
    }
    return merged;
  }

  /** The handler class of a function ({@code a.b.C::handleRequest} gives {@code a.b.C}). */
  String handlerClass(String function) {
    String handler = (String) properties(function).get("Handler");
    if (handler == null) {
      throw new AssertionError(function + " has no Handler");
    }
    int colons = handler.indexOf("::");
    return colons < 0 ? handler : handler.substring(0, colons);
  }

  String functionForHandler(String handlerClass) {
    List<String> matches =
        functionIds().stream().filter(f -> handlerClass.equals(handlerClass(f))).toList();
    if (matches.size() != 1) {
      throw new AssertionError(
          "expected one function with handler " + handlerClass + " but found " + matches);
    }
    return matches.get(0);
  }

  /**
   * The logical id SAM gives the alias of a function with AutoPublishAlias ({@code <Function>Alias
   * <name>}), the resource that {@code !Ref Function.Alias} resolves to.
   */
  String aliasLogicalId(String function) {
    Object alias = functionSetting(function, "AutoPublishAlias");
    if (!(alias instanceof String name)) {
      throw new AssertionError(function + " has no AutoPublishAlias");
    }
    return function + "Alias" + name;
  }
}
