/**
 * Microcontroller profiles: on-chip SRAM (the arena's capacity) and flash (weights and constants).
 * Figures are the data-sheet sizes and maximum core clock of each part (KiB = 1024 bytes).
 */
import { InfeasibleError, UsageError } from '../errors.js';

export interface McuProfile {
  id: string;
  name: string;
  core: string;
  sramBytes: number;
  flashBytes: number;
  /** Core clock (Hz): estimated instructions -> milliseconds at one instruction per cycle. */
  clockHz: number;
}

const KiB = 1024;
const MiB = 1024 * KiB;
const MHz = 1e6;

export const MCUS: readonly McuProfile[] = [
  { id: 'stm32f767zi', name: 'STM32F767ZI', core: 'Cortex-M7 @ 216 MHz', sramBytes: 512 * KiB, flashBytes: 2 * MiB, clockHz: 216 * MHz },
  { id: 'stm32f746zg', name: 'STM32F746ZG', core: 'Cortex-M7 @ 216 MHz', sramBytes: 320 * KiB, flashBytes: 1 * MiB, clockHz: 216 * MHz },
  { id: 'stm32h743zi', name: 'STM32H743ZI', core: 'Cortex-M7 @ 480 MHz', sramBytes: 1024 * KiB, flashBytes: 2 * MiB, clockHz: 480 * MHz },
  { id: 'stm32f412zg', name: 'STM32F412ZG', core: 'Cortex-M4 @ 100 MHz', sramBytes: 256 * KiB, flashBytes: 1 * MiB, clockHz: 100 * MHz },
  { id: 'nrf52840', name: 'nRF52840', core: 'Cortex-M4F @ 64 MHz', sramBytes: 256 * KiB, flashBytes: 1 * MiB, clockHz: 64 * MHz },
  { id: 'nrf5340', name: 'nRF5340 (application core)', core: 'Cortex-M33 @ 128 MHz', sramBytes: 512 * KiB, flashBytes: 1 * MiB, clockHz: 128 * MHz },
  { id: 'rp2040', name: 'RP2040 (Pico, 2 MB QSPI flash)', core: 'dual Cortex-M0+ @ 133 MHz', sramBytes: 264 * KiB, flashBytes: 2 * MiB, clockHz: 133 * MHz },
  { id: 'rp2350', name: 'RP2350 (Pico 2, 4 MB QSPI flash)', core: 'dual Cortex-M33 @ 150 MHz', sramBytes: 520 * KiB, flashBytes: 4 * MiB, clockHz: 150 * MHz },
  { id: 'esp32', name: 'ESP32 (WROOM-32, 4 MB flash)', core: 'Xtensa LX6 @ 240 MHz', sramBytes: 520 * KiB, flashBytes: 4 * MiB, clockHz: 240 * MHz },
  { id: 'esp32c3', name: 'ESP32-C3 (4 MB flash)', core: 'RV32IMC @ 160 MHz', sramBytes: 400 * KiB, flashBytes: 4 * MiB, clockHz: 160 * MHz },
  { id: 'gd32vf103', name: 'GD32VF103CB (Longan Nano)', core: 'RV32IMAC (Bumblebee) @ 108 MHz', sramBytes: 32 * KiB, flashBytes: 128 * KiB, clockHz: 108 * MHz },
  { id: 'fe310', name: 'SiFive FE310-G002 (HiFive1 Rev B)', core: 'RV32IMAC @ 320 MHz', sramBytes: 16 * KiB, flashBytes: 4 * MiB, clockHz: 320 * MHz },
];

export function mcuProfile(id: string): McuProfile {
  const p = MCUS.find((m) => m.id === id.toLowerCase());
  if (!p) throw new UsageError(`--mcu: unknown microcontroller "${id}"; choose one of ${MCUS.map((m) => m.id).join(', ')}`);
  return p;
}

/** Refuses a model whose constant data does not fit the part's flash. */
export function checkFlash(mcu: McuProfile, flashBytesNeeded: number): void {
  if (flashBytesNeeded > mcu.flashBytes)
    throw new InfeasibleError(
      `the model's weights and constants need ${flashBytesNeeded} B of flash, but the ${mcu.name} has ${mcu.flashBytes} B; choose a larger part or a smaller model`,
    );
}
