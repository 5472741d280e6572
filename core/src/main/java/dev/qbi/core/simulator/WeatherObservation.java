package dev.qbi.core.simulator;

import java.util.Objects;

/**
 * One weather observation of the sample data set: a line {@code
 * station|geoLocation|localTime|conditions|temperature|pressure|humidity}.
 *
 * @param station the reporting station, e.g. {@code KSEA Seattle-Tacoma Intl}
 * @param geoLocation {@code latitude,longitude} in decimal degrees
 * @param localTime the observation time as an ISO-8601 date-time with offset
 * @param conditions the weather in words, e.g. {@code Light Rain}
 * @param temperature air temperature in °C
 * @param pressure sea-level pressure in hPa
 * @param humidity relative humidity in percent
 */
public record WeatherObservation(
    String station,
    String geoLocation,
    String localTime,
    String conditions,
    double temperature,
    double pressure,
    int humidity) {

  public WeatherObservation {
    Objects.requireNonNull(station, "station");
    Objects.requireNonNull(geoLocation, "geoLocation");
    Objects.requireNonNull(localTime, "localTime");
    Objects.requireNonNull(conditions, "conditions");
  }
}
