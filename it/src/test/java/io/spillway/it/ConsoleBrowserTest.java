package io.spillway.it;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The web console (docs/console.md) in a real headless browser: Debian's chromium driven through Debian's chromedriver
 * by Selenium WebDriver, against an in-process broker. Every page loads without browser console errors; topic search
 * and paging over 50 topics, the stream list; the record browser shows a record produced with KafkaProducer as
 * text/JSON and hex; a group's lag moves from 10 to 0 once a KafkaConsumer commits; the overview's chart shows a
 * produce rate after producing; a REST error is shown in the page. A screenshot of each page goes to
 * target/console-screenshots.
 *
 * <p>Without chromium or chromedriver the test fails in CI ({@code CI=true}: .ci/run installs them) and is skipped
 * elsewhere. Nothing is downloaded: the driver and browser binaries are named, so Selenium Manager is not asked.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConsoleBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
    private static final Duration WAIT = Duration.ofSeconds(15);

    @RegisterExtension
    static final EmbeddedBroker BROKER = EmbeddedBroker.create().set("num.partitions", "1");

    private ChromeDriver driver;
    private WebDriverWait wait;
    private String base;

    @BeforeEach
    void startBrowser() throws Exception {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            String message = "The console browser test needs Debian's chromium and chromium-driver (" + CHROMIUM + ", "
                    + CHROMEDRIVER + "): apt-get install -y chromium chromium-driver";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(message);
            }
            assumeTrue(false, message);
        }
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // --no-sandbox: CI containers run as root, where chromium's sandbox cannot start.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,1000", "--disable-extensions", "--no-first-run");
        LoggingPreferences logging = new LoggingPreferences();
        logging.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logging);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        wait = new WebDriverWait(driver, WAIT, Duration.ofMillis(100));
        base = "http://127.0.0.1:" + BROKER.server().httpPort() + "/";
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterEach
    void stopBrowser() {
        if (driver != null) {
            driver.quit();
        }
    }

    @Test
    void everyPageWorksInABrowser() throws Exception {
        List<String> shelves = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            shelves.add(String.format("shelf-%02d", i));
        }
        BROKER.admin().createTopics(shelves.stream().map(n -> new NewTopic(n, 1, (short) 1)).toList())
                .all().get(60, TimeUnit.SECONDS);
        BROKER.admin().createTopics(List.of(new NewTopic("orders", 1, (short) 1),
                        new NewTopic("lagging", 1, (short) 1)))
                .all().get(60, TimeUnit.SECONDS);
        BROKER.admin().createTopics(List.of(new NewTopic("/apps/console", Optional.of(1), Optional.empty())))
                .all().get(60, TimeUnit.SECONDS);
        BROKER.admin().createTopics(List.of(new NewTopic("/apps/console:events", Optional.empty(), Optional.empty())))
                .all().get(60, TimeUnit.SECONDS);

        overviewShowsStatusAndAProduceRate();
        topicSearchAndPaging();
        recordBrowserShowsAProducedRecord();
        groupLagMovesWhenTheConsumerCommits();
        restErrorsAreShownInThePage();
    }

    private void overviewShowsStatusAndAProduceRate() throws Exception {
        driver.get(base);
        // 52 topics made here, plus any internal ones.
        wait.until(d -> text("#stat-topics .value").matches("\\d+")
                && Integer.parseInt(text("#stat-topics .value")) >= 52);
        // A rate needs two scrapes around the traffic (every 2 s): produce for about 3 s while the page samples
        // /metrics, so the screenshot shows a line of a few points.
        KafkaProducer<byte[], byte[]> producer = BROKER.producer(Map.of("linger.ms", "0"));
        for (int i = 0; i < 20; i++) {
            producer.send(new ProducerRecord<>("orders", ("k" + i).getBytes(), new byte[1000])).get();
            Thread.sleep(150);
        }
        wait.until(d -> Integer.parseInt(attribute("#chart-bytes", "data-samples")) >= 3);
        wait.until(d -> Double.parseDouble(attribute("#chart-bytes [data-series=produceBytes]", "data-max")) > 0);
        wait.until(d -> Double.parseDouble(attribute("#chart-records [data-series=produceRecords]", "data-max")) > 0);
        assertThat(driver.findElements(By.cssSelector("#chart-bytes svg polyline"))).hasSize(2);
        assertThat(text("#stat-wal-size")).doesNotContain("–");
        screenshot("overview");
        assertNoConsoleErrors("overview");
    }

    private void topicSearchAndPaging() throws Exception {
        driver.findElement(By.cssSelector("a[data-nav=topics]")).click();
        wait.until(d -> !links().isEmpty());
        new Select(driver.findElement(By.id("topic-limit"))).selectByValue("20");
        driver.findElement(By.id("topic-search")).sendKeys("shelf-");
        wait.until(d -> links().equals(shelves(0, 20)));
        assertThat(driver.findElement(By.id("topics-prev")).isEnabled()).isFalse();
        driver.findElement(By.id("topics-next")).click();
        wait.until(d -> links().equals(shelves(20, 40)));
        driver.findElement(By.id("topics-next")).click();
        wait.until(d -> links().equals(shelves(40, 50)));
        assertThat(driver.findElement(By.id("topics-next")).isEnabled()).isFalse();
        driver.findElement(By.id("topics-prev")).click();
        wait.until(d -> links().equals(shelves(20, 40)));
        screenshot("topics");

        // A stream's topics: the stream list fills the search, and a topic name with '/' and ':' links to its page.
        driver.findElement(By.id("streams-show")).click();
        wait.until(d -> texts("#streams a").contains("/apps/console"));
        driver.findElement(By.xpath("//div[@id='streams']//a[text()='/apps/console']")).click();
        wait.until(d -> links().equals(List.of("/apps/console:events")));
        driver.findElement(By.cssSelector("a.topic-link")).click();
        wait.until(d -> text("#topic-name").equals("/apps/console:events"));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#partitions table")));
        driver.navigate().back();
        wait.until(d -> !links().isEmpty());

        WebElement search = driver.findElement(By.id("topic-search"));
        search.clear();
        search.sendKeys("SHELF-17");  // the API's search is case-insensitive
        wait.until(d -> links().equals(List.of("shelf-17")));
        driver.findElement(By.cssSelector("a.topic-link")).click();
        wait.until(d -> text("#topic-name").equals("shelf-17"));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#partitions table")));
        assertNoConsoleErrors("topics");
    }

    private void recordBrowserShowsAProducedRecord() throws Exception {
        KafkaProducer<byte[], byte[]> producer = BROKER.producer();
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>("orders", 0,
                "order-42".getBytes(StandardCharsets.UTF_8),
                "{\"id\":42,\"item\":\"kayak\"}".getBytes(StandardCharsets.UTF_8));
        record.headers().add(new RecordHeader("source", "console-test".getBytes(StandardCharsets.UTF_8)));
        long offset = producer.send(record).get().offset();

        driver.get(base + "#/topic/orders");
        wait.until(d -> text("#partitions").contains(String.valueOf(offset + 1)));
        WebElement offsetInput = driver.findElement(By.id("browse-offset"));
        offsetInput.sendKeys(String.valueOf(offset));
        driver.findElement(By.id("browse-load")).click();
        wait.until(d -> texts("#records .record-key").equals(List.of("order-42")));
        assertThat(text("#records .record-value")).contains("\"id\": 42").contains("\"item\": \"kayak\"");
        assertThat(text("#records .record-header")).contains("source").contains("console-test");
        wait.until(d -> text("#configs").contains("show defaults too"));
        driver.findElement(By.id("configs-all")).click();
        wait.until(d -> text("#configs table").contains("retention.ms"));
        screenshot("topic-records");

        new Select(driver.findElement(By.id("browse-format"))).selectByValue("hex");
        // "order-42" and the start of {"id":42 as bytes.
        wait.until(d -> text("#records .record-key").contains("6f 72 64 65 72 2d 34 32"));
        assertThat(text("#records .record-value")).contains("7b 22 69 64 22 3a 34 32");
        screenshot("topic-records-hex");
        new Select(driver.findElement(By.id("browse-format"))).selectByValue("text");
        wait.until(d -> text("#records .record-value").equals("{\"id\":42,\"item\":\"kayak\"}"));
        assertNoConsoleErrors("topic");
    }

    private void groupLagMovesWhenTheConsumerCommits() throws Exception {
        KafkaProducer<byte[], byte[]> producer = BROKER.producer();
        for (int i = 0; i < 10; i++) {
            producer.send(new ProducerRecord<>("lagging", ("v" + i).getBytes())).get();
        }
        TopicPartition tp = new TopicPartition("lagging", 0);
        KafkaConsumer<byte[], byte[]> consumer = BROKER.consumer(Map.of(ConsumerConfig.GROUP_ID_CONFIG, "console-group",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"));
        consumer.assign(List.of(tp));
        consumer.commitSync(Map.of(tp, new OffsetAndMetadata(0)));

        driver.get(base + "#/groups");
        wait.until(d -> texts("#groups-list a.group-link").contains("console-group"));
        screenshot("groups");
        assertNoConsoleErrors("groups");
        driver.findElement(By.xpath("//a[@class='group-link' and text()='console-group']")).click();
        wait.until(d -> "10".equals(attribute("#group-total-lag", "data-value")));
        assertThat(attribute("#group-offsets .lag", "data-value")).isEqualTo("10");
        screenshot("group-lag-10");

        consumer.seek(tp, 0);
        assertThat(EmbeddedBroker.pollUntil(consumer, 10, Duration.ofSeconds(15))).hasSize(10);
        consumer.commitSync();
        wait.until(d -> "0".equals(attribute("#group-total-lag", "data-value")));
        assertThat(text("#group-offsets")).contains("lagging");
        screenshot("group-lag-0");
        assertNoConsoleErrors("group");
    }

    private void restErrorsAreShownInThePage() {
        driver.get(base + "#/topic/no-such-topic");
        wait.until(d -> text(".error").contains("UNKNOWN_TOPIC_OR_PARTITION"));
        screenshot("topic-error");
        // The browser itself reports the 404 answers; nothing else (no script error) may be logged.
        // That they are seen also shows that the browser log is read at all (the other pages' checks rely on it).
        List<String> logged = consoleErrors();
        assertThat(logged).as("the browser's report of the 404").anyMatch(e -> e.contains("404"));
        assertThat(logged.stream().filter(e -> !e.contains("404"))).as("browser console errors besides the 404s")
                .isEmpty();
    }

    // ---- helpers ----

    private List<String> shelves(int from, int to) {
        List<String> names = new ArrayList<>();
        for (int i = from; i < to; i++) {
            names.add(String.format("shelf-%02d", i));
        }
        return names;
    }

    private List<String> links() {
        return texts("#topics-list a.topic-link");
    }

    // The pages redraw on every refresh, so elements are read in one script call each (no stale references).

    private String text(String css) {
        Object value = driver.executeScript(
                "const e = document.querySelector(arguments[0]); return e ? e.innerText.trim() : '';", css);
        return String.valueOf(value);
    }

    private List<String> texts(String css) {
        Object value = driver.executeScript(
                "return Array.from(document.querySelectorAll(arguments[0]), e => e.innerText.trim());", css);
        return ((List<?>) value).stream().map(String::valueOf).toList();
    }

    /** An attribute of the first match, "0" when there is none yet. */
    private String attribute(String css, String name) {
        Object value = driver.executeScript(
                "const e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null;",
                css, name);
        return value == null ? "0" : String.valueOf(value);
    }

    private void screenshot(String name) {
        try {
            Files.write(SCREENSHOTS.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Browser console entries at SEVERE since the last call (reading the log empties it). */
    private List<String> consoleErrors() {
        List<String> errors = new ArrayList<>();
        for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
            if (entry.getLevel().intValue() >= Level.SEVERE.intValue()) {
                errors.add(entry.getMessage());
            }
        }
        return errors;
    }

    private void assertNoConsoleErrors(String page) {
        assertThat(consoleErrors()).as("browser console errors on the " + page + " page").isEmpty();
    }
}
