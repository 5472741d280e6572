package dev.qbi.deploy;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Loads CloudFormation YAML: the short-form tags ({@code !Ref}, {@code !Sub}, {@code !GetAtt}, ...)
 * become the long-form maps ({@code {"Ref": ...}}, {@code {"Fn::Sub": ...}}, ...), so a template
 * reads the same whichever form it uses. {@code !GetAtt A.B} becomes {@code {"Fn::GetAtt": [A,
 * B]}}. Duplicate keys are an error, as they are for CloudFormation.
 */
final class CfnYaml {

  private static final List<String> FUNCTION_TAGS =
      List.of(
          "Base64",
          "Cidr",
          "FindInMap",
          "GetAZs",
          "ImportValue",
          "Join",
          "Select",
          "Split",
          "Sub",
          "Transform",
          "And",
          "Equals",
          "If",
          "Not",
          "Or",
          "ToJsonString",
          "Length");

  private CfnYaml() {}

  /** Parses a file with the CloudFormation tags. */
  static Object load(Path file) {
    return parse(file, true);
  }

  /**
   * Parses a file that must not use any tag (e.g. a snippet for AWS::Include, which only
   * understands the long form): a tag makes this throw.
   */
  static Object loadWithoutTags(Path file) {
    return parse(file, false);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> loadMap(Path file) {
    Object root = load(file);
    if (!(root instanceof Map)) {
      throw new IllegalStateException(file + " is not a YAML mapping");
    }
    return (Map<String, Object>) root;
  }

  private static Object parse(Path file, boolean cloudFormationTags) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    SafeConstructor constructor =
        cloudFormationTags ? new TagConstructor(options) : new SafeConstructor(options);
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return new Yaml(constructor).load(in);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file, e);
    }
  }

  /** SafeConstructor plus the CloudFormation short forms. */
  private static final class TagConstructor extends SafeConstructor {

    TagConstructor(LoaderOptions options) {
      super(options);
      yamlConstructors.put(new Tag("!Ref"), new Intrinsic("Ref"));
      yamlConstructors.put(new Tag("!Condition"), new Intrinsic("Condition"));
      yamlConstructors.put(new Tag("!GetAtt"), new GetAtt());
      for (String name : FUNCTION_TAGS) {
        yamlConstructors.put(new Tag("!" + name), new Intrinsic("Fn::" + name));
      }
    }

    private Object value(Node node) {
      if (node instanceof ScalarNode scalar) {
        return constructScalar(scalar);
      }
      if (node instanceof SequenceNode sequence) {
        return new ArrayList<>(constructSequence(sequence));
      }
      if (node instanceof MappingNode mapping) {
        return new LinkedHashMap<>(constructMapping(mapping));
      }
      throw new IllegalStateException("unexpected YAML node " + node);
    }

    private final class Intrinsic extends AbstractConstruct {
      private final String key;

      Intrinsic(String key) {
        this.key = key;
      }

      @Override
      public Object construct(Node node) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put(key, value(node));
        return map;
      }
    }

    private final class GetAtt extends AbstractConstruct {
      @Override
      public Object construct(Node node) {
        Object value = value(node);
        if (value instanceof String dotted) {
          int dot = dotted.indexOf('.');
          if (dot < 1) {
            throw new IllegalStateException("!GetAtt needs Resource.Attribute: " + dotted);
          }
          value = List.of(dotted.substring(0, dot), dotted.substring(dot + 1));
        }
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("Fn::GetAtt", value);
        return map;
      }
    }
  }
}
