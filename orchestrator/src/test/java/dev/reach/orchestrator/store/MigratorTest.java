package dev.reach.orchestrator.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reach.shared.db.Migrator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The migration runner is strict: applied once, checksums verified, a newer schema refused. */
class MigratorTest {
  private StoreFixture f;

  @BeforeEach
  void open() {
    f = new StoreFixture(); // migrated once
  }

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void aSecondRunAppliesNothing() {
    assertThat(Migrator.fromClasspath().migrate(f.db.pool()).await()).isZero();
    assertThat(f.count("SELECT count(*) FROM reach_schema_history"))
        .isEqualTo(Migrator.fromClasspath().migrations().size());
  }

  @Test
  void anEditedMigrationStopsTheStart() {
    f.sql("UPDATE reach_schema_history SET checksum = 'edited' WHERE version = 1");
    assertThatThrownBy(() -> Migrator.fromClasspath().migrate(f.db.pool()).await())
        .hasMessageContaining("V1")
        .hasMessageContaining("was changed after it was applied");
  }

  @Test
  void aDatabaseNewerThanThisBuildIsRefused() {
    f.sql("INSERT INTO reach_schema_history (version, name, checksum) VALUES (999, 'future', 'x')");
    assertThatThrownBy(() -> Migrator.fromClasspath().migrate(f.db.pool()).await())
        .hasMessageContaining("V999")
        .hasMessageContaining("run a newer Reach");
  }
}
